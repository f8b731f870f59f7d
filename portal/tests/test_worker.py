"""A task travels through Redis to a real `celery worker` and writes to PostgreSQL."""

import time
import uuid

import pytest

from portal.models import WorkerHeartbeat
from portal.tasks import worker_heartbeat

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(start_worker):
    """A worker on a private queue, so that no other test's task reaches it."""
    queue = f"pytest-{uuid.uuid4().hex[:12]}"
    return {"queue": queue, **start_worker(queues=[queue], name=queue)}


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
