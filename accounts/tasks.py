from celery import shared_task

from portal.mail import MAIL_TASK_OPTIONS


@shared_task(**MAIL_TASK_OPTIONS)
def email_change_send_task(user_id: int, new_email: str, taken: bool) -> None:
    """Send the link that confirms a new sign-in e-mail (or a note if it is taken)."""
    from .services import email_change_send

    email_change_send(user_id=user_id, new_email=new_email, taken=taken)


@shared_task(**MAIL_TASK_OPTIONS)
def email_changed_notice_task(user_id: int, old_email: str) -> None:
    """Tell the old address that the sign-in e-mail was changed."""
    from .services import email_changed_notice

    email_changed_notice(user_id=user_id, old_email=old_email)


@shared_task(**MAIL_TASK_OPTIONS)
def phone_code_send_task(code_id: int) -> bool:
    """Send the SMS code that confirms a phone number."""
    from .services import phone_code_send

    return phone_code_send(code_id=code_id)


@shared_task(**MAIL_TASK_OPTIONS)
def account_email_send_task(user_id: int, kind: str) -> bool:
    """Send a confirmation, password-reset or "already registered" e-mail."""
    from .services import account_email_send

    return account_email_send(user_id=user_id, kind=kind)
