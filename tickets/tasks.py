"""Celery tasks of tickets: each takes ids, calls one service, is safe to run twice.

Queues (settings.CELERY_TASK_ROUTES): routing, notifications, periodic.
"""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import DatabaseError

from portal.mail import MAIL_TASK_OPTIONS

logger = logging.getLogger(__name__)

# The database may be restarting: try again a few times, with backoff.
DATABASE_RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(soft_time_limit=20, time_limit=30, **DATABASE_RETRY)
def ticket_route_task(ticket_id: int) -> int:
    """Route a ticket to its specialist queue (once), with waiting ones."""
    from .services import ticket_route

    return ticket_route(ticket_id=ticket_id)


NOTIFICATION_MAX_RETRIES = 6


def _retry_delay(retries: int) -> int:
    """Seconds before the next try of a sending: exponential, full jitter."""
    factor, maximum = settings.PORTAL_NOTIFICATION_RETRY_BACKOFF
    return get_exponential_backoff_interval(
        factor=factor, retries=retries, maximum=maximum, full_jitter=True
    )


@shared_task(
    bind=True,
    max_retries=NOTIFICATION_MAX_RETRIES,
    soft_time_limit=30,
    time_limit=60,
)
def notification_send_task(self, notification_id: int) -> bool:
    """Send one notification (once); retry what the server may fix, then fail.

    Retries wait up to 30 s, 1, 2, 4, 8 and 10 minutes (full jitter;
    ``PORTAL_NOTIFICATION_RETRY_BACKOFF``); after the last one the
    notification shows as failed in the admin.
    """
    from . import services

    try:
        return services.notification_send(notification_id=notification_id)
    except services.NOTIFICATION_TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            services.notification_fail(notification_id=notification_id)
            return False
        raise self.retry(exc=exc, countdown=_retry_delay(self.request.retries)) from exc
    except Exception:
        services.notification_fail(notification_id=notification_id)
        raise


@shared_task(soft_time_limit=120, time_limit=150)
def notification_send_batch_task(notification_ids: list[int]) -> int:
    """Send several notifications queued together (a batch of routed tickets).

    Each is sent once, as by ``notification_send_task``; one that fails is
    handed to that task to be retried on its own. Return how many were sent.
    """
    from . import services

    sent = 0
    for notification_id in notification_ids:
        try:
            sent += services.notification_send(notification_id=notification_id)
        except services.NOTIFICATION_TRANSIENT_ERRORS:
            # This attempt counts as the first: the retries follow.
            notification_send_task.apply_async(
                (notification_id,), countdown=_retry_delay(0), retries=1
            )
        except Exception:
            services.notification_fail(notification_id=notification_id)
            logger.exception("notification %s failed", notification_id)
    return sent


@shared_task(soft_time_limit=50, time_limit=60)
def ticket_routing_sweep_task() -> int:
    """Publish again tickets left waiting for routing."""
    from .services import ticket_routing_sweep

    return ticket_routing_sweep()


@shared_task(soft_time_limit=50, time_limit=60)
def notification_sweep_task() -> int:
    """Publish again notifications left pending."""
    from .services import notification_sweep

    return notification_sweep()


@shared_task(soft_time_limit=100, time_limit=120)
def ticket_sla_watch_task() -> int:
    """Flag missed deadlines and tell the supervisors."""
    from .services import ticket_sla_watch

    return ticket_sla_watch()


@shared_task(soft_time_limit=100, time_limit=120)
def queue_digest_task() -> int:
    """E-mail each queue's agents the tickets that reached it."""
    from .services import queue_digest_send

    return queue_digest_send()


@shared_task(**MAIL_TASK_OPTIONS)
def guest_code_send_task(ticket_id: int, channel: str) -> None:
    """Send a guest a one-time code to open their ticket."""
    from .services import guest_code_send

    guest_code_send(ticket_id=ticket_id, channel=channel)
