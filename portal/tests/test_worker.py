"""A task travels through Redis to a real `celery worker` and writes to PostgreSQL."""

import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from portal.models import WorkerHeartbeat
from portal.tasks import worker_heartbeat

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(require_postgres, require_redis, tmp_path):
    """Start `celery -A portal worker` on a private queue against the test database."""
    queue = f"pytest-{uuid.uuid4().hex[:12]}"
    node = f"{queue}@localhost"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "worker-test-secret-key-" + "0123456789abcdef" * 3,
        "ALLOWED_HOSTS": "localhost",
        "HOTLINE_PHONE_INDIVIDUALS": "+78001000800",
        "HOTLINE_PHONE_BUSINESS": "+78002003000",
        "OPERATOR_LEGAL_NAME": "ПАО «Тест Телеком»",
        "OPERATOR_LEGAL_ADDRESS": "123456, г. Москва, ул. Тестовая, д. 1",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": require_redis,
    }
    celery = Path(sys.executable).with_name("celery")
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(celery),
                "-A",
                "portal",
                "worker",
                "--pool",
                "solo",
                "-Q",
                queue,
                "-n",
                node,
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield {"queue": queue, "node": node, "log": log, "process": process}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_beats(hostname, beats, worker, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = WorkerHeartbeat.objects.filter(hostname=hostname).first()
        if row is not None and row.beats >= beats:
            return row
        assert worker["process"].poll() is None, worker["log"].read_text()
        time.sleep(0.25)
    pytest.fail(
        f"no heartbeat {beats} in {seconds} s; log:\n" + worker["log"].read_text()
    )


def test_task_goes_through_redis_to_a_real_worker_and_writes_to_postgres(
    worker, broker, require_redis
):
    broker(require_redis)  # this test sends through the real broker, not in-process
    # A starting worker records itself at once, before any task.
    started = _wait_for_beats(worker["node"], 1, worker)
    assert started.beats == 1

    worker_heartbeat.apply_async(queue=worker["queue"])

    assert _wait_for_beats(worker["node"], 2, worker).beats == 2
    assert "redis://" in worker["log"].read_text()  # the worker listened on Redis

    # Delivered again, the task still leaves one row per worker.
    worker_heartbeat.apply_async(queue=worker["queue"])
    assert _wait_for_beats(worker["node"], 3, worker).beats == 3
    assert WorkerHeartbeat.objects.filter(hostname=worker["node"]).count() == 1
