import smtplib

from celery import shared_task


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=30,
    time_limit=60,
)
def ticket_acknowledge_task(ticket_id: int) -> bool:
    """Tell the author that the ticket is received (once)."""
    from .services import ticket_acknowledge

    return ticket_acknowledge(ticket_id=ticket_id)
