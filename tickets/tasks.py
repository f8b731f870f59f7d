from celery import shared_task

from portal.mail import MAIL_TASK_OPTIONS


@shared_task(**MAIL_TASK_OPTIONS)
def ticket_acknowledge_task(ticket_id: int, channel: str) -> bool:
    """Tell the author that the ticket is received, by e-mail or SMS (once)."""
    from .services import ticket_acknowledge

    return ticket_acknowledge(ticket_id=ticket_id, channel=channel)


@shared_task(**MAIL_TASK_OPTIONS)
def guest_code_send_task(ticket_id: int, channel: str) -> None:
    """Send a guest a one-time code to open their ticket."""
    from .services import guest_code_send

    guest_code_send(ticket_id=ticket_id, channel=channel)
