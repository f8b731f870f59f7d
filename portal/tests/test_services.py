import pytest

from portal.models import WorkerHeartbeat
from portal.services import worker_heartbeat_record
from portal.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


def test_heartbeat_is_one_row_per_worker_however_often_it_runs():
    worker_heartbeat_record(hostname="celery@web-1")
    second = worker_heartbeat_record(hostname="celery@web-1")
    worker_heartbeat_record(hostname="celery@web-2")

    assert second.beats == 2
    assert WorkerHeartbeat.objects.count() == 2


def test_heartbeat_task_runs_in_process_without_a_broker():
    worker_heartbeat.delay()

    assert WorkerHeartbeat.objects.get().beats == 1
