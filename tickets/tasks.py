from celery import shared_task

from portal.mail import MAIL_TASK_OPTIONS


@shared_task(**MAIL_TASK_OPTIONS)
def ticket_acknowledge_task(ticket_id: int) -> bool:
    """Tell the author that the ticket is received (once)."""
    from .services import ticket_acknowledge

    return ticket_acknowledge(ticket_id=ticket_id)
