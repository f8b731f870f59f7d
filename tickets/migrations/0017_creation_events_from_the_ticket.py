from django.db import migrations

# A ticket's first two history entries ("ticket received", "waiting for
# routing") are read from the ticket itself (Ticket.history_start): the rows
# that repeated them go.
FROM_THE_TICKET = ["created", "routing_pending"]


def creation_events_delete(apps, schema_editor):
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    TicketEvent.objects.filter(kind__in=FROM_THE_TICKET).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0016_ticket_number_in_database'),
    ]

    operations = [
        migrations.RunPython(creation_events_delete, migrations.RunPython.noop),
    ]
