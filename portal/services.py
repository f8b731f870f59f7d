"""Operational services: worker heartbeats and the health check."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone

from .celery import app
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    """Record that the worker ``hostname`` is alive now.

    Safe to run any number of times: one row per worker, updated in place.
    """
    now = timezone.now()
    with transaction.atomic():
        heartbeat, created = WorkerHeartbeat.objects.select_for_update().get_or_create(
            hostname=hostname, defaults={"last_seen": now, "beats": 1}
        )
        if not created:
            WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(
                last_seen=now, beats=F("beats") + 1
            )
            heartbeat.refresh_from_db()
    return heartbeat


def _database_ok() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as exc:
        logger.warning("Health check: the database does not answer: %s", exc)
        return False


def _broker_ok() -> bool:
    try:
        with app.connection_for_write(connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=0, interval_start=0, timeout=1)
        return True
    except Exception as exc:  # kombu raises many transport-specific errors
        logger.warning("Health check: the broker does not answer: %s", exc)
        return False


def health_check() -> dict:
    """Check the database and the broker; report the workers' last heartbeat.

    Return ``{"status": "ok" | "down", "checks": {...}, "down": [...]}``.
    Workers are reported but do not fail the check: a web host stays useful to
    subscribers while the background work catches up.
    """
    in_process = app.conf.task_always_eager  # no broker: tasks run in the caller
    checks = {
        "database": "ok" if _database_ok() else "down",
        "broker": "ok" if in_process or _broker_ok() else "down",
    }
    down = [name for name, state in checks.items() if state != "ok"]
    result = {"status": "down" if down else "ok", "checks": checks, "down": down}
    if in_process:
        result["workers"] = "in-process"
    elif not down:
        since = timezone.now() - timedelta(seconds=settings.PORTAL_WORKER_SILENT_AFTER)
        result["workers"] = WorkerHeartbeat.objects.seen_since(since).count()
    return result
