"""Queues, topic categories and topics an installation starts with."""

from django.db import migrations

from tickets.reference import reference_ensure


def create(apps, schema_editor):
    reference_ensure(
        queue_model=apps.get_model("tickets", "SpecialistQueue"),
        category_model=apps.get_model("tickets", "Category"),
        topic_model=apps.get_model("tickets", "Topic"),
    )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
