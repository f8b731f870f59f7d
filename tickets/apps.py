from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _recent_tickets(user) -> dict:
    from .models import Ticket

    tickets = Ticket.objects.for_user(user)
    return {
        "tickets": tickets.with_list_data()[:5],
        "open_count": tickets.open().count(),
    }


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from accounts.dashboard import dashboard_panel_register

        dashboard_panel_register(
            template_name="tickets/includes/dashboard_panel.html",
            context=_recent_tickets,
            order=10,
        )
