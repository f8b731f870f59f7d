from django.db import migrations

# A ticket's first two history entries ("ticket received", "waiting for
# routing") are read from the ticket itself (Ticket.history_start), and the
# pages skip stored rows of those kinds: the rows that repeated them go.
FROM_THE_TICKET = ["created", "routing_pending"]


def creation_events_delete(apps, schema_editor):
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    TicketEvent.objects.filter(kind__in=FROM_THE_TICKET).delete()


def creation_events_restore(apps, schema_editor):
    """Going back: the older code reads these entries from stored rows."""
    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    events = TicketEvent._meta.db_table
    tickets = Ticket._meta.db_table
    schema_editor.execute(
        f"""
        INSERT INTO {events} (ticket_id, kind, from_status, to_status, actor_id, note, created_at)
        SELECT id, 'created', '', 'new', author_id, '', created_at FROM {tickets}
        UNION ALL
        SELECT id, 'routing_pending', '', '', NULL, '', created_at FROM {tickets}
        """  # noqa: S608 - the table names are ours
    )


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0016_ticket_number_in_database'),
    ]

    operations = [
        migrations.RunPython(creation_events_delete, creation_events_restore),
    ]
