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
def account_email_send_task(user_id: int, kind: str) -> bool:
    """Send a confirmation, password-reset or "already registered" e-mail."""
    from .services import account_email_send

    return account_email_send(user_id=user_id, kind=kind)
