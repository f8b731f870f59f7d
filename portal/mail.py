"""One way to send an e-mail: a template trio rendered in the recipient's language."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import translation

# Options of a Celery task that sends mail: retry what the mail server may fix
# by itself (with backoff and jitter, a bounded number of times), nothing else.
MAIL_TASK_OPTIONS = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
    "soft_time_limit": 30,
    "time_limit": 60,
}


def _render_plain(name: str, context: dict) -> str:
    """Render a plain-text template: no HTML escaping ("O'Brien & Co" stays so)."""
    engine = engines["django"].engine
    return engine.get_template(name).render(Context(context, autoescape=False))


def mail_send(*, template: str, context: dict, to: str, language: str) -> None:
    """Render ``<template>.subject.txt``, ``.txt`` and ``.html`` and send them.

    Rendering happens in ``language``; links in the context are absolute
    (``PORTAL_BASE_URL``). Errors of the mail server propagate, so that the
    calling task can retry.
    """
    context = {"base_url": settings.PORTAL_BASE_URL, **context}
    with translation.override(language):
        subject = _render_plain(f"{template}.subject.txt", context)
        text = _render_plain(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(html, "text/html")
    message.send()
