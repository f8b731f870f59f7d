"""The escalation chain's levels and queues, and the starting routing rules.

Tickets filed before routing existed and already in a queue count as routed.
"""

from django.db import migrations
from django.db.models import F

from tickets.reference import routing_reference_ensure


def create(apps, schema_editor):
    routing_reference_ensure(apps.get_model)
    ticket_model = apps.get_model("tickets", "Ticket")
    ticket_model.objects.filter(queue__isnull=False, routed_at__isnull=True).update(
        routed_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_phone_confirmation"),
        ("tickets", "0005_routing_sla_notifications"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
