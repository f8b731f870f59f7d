"""The ticket pipeline on PostgreSQL and Redis with real Celery workers.

A ticket filed through the form is routed by a worker within seconds and
acknowledged once, however often its task is delivered, when Redis was down
at the moment of filing, when the mail server fails, and when the worker
process dies in the middle of the task.
"""

import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from tickets import services
from tickets.models import Notification, Ticket, TicketEvent
from tickets.tasks import ticket_route_task
from tickets.tests.factories import guest_form_data

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

QUEUES = ["routing", "notifications", "periodic"]


@pytest.fixture
def pipeline(start_worker, broker, require_redis, reference_data):
    """Empty queues, tasks sent through Redis, and a way to start workers."""
    client = redis.Redis.from_url(require_redis)
    client.delete(*QUEUES, "unacked", "unacked_index")
    broker(require_redis)

    def workers(**kwargs):
        return start_worker(queues=QUEUES, **kwargs)

    yield workers
    client.delete(*QUEUES)


def wait_for(check, worker, seconds=30, what="the worker"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    logs = worker["log"].read_text() if worker else ""
    pytest.fail(f"{what} did not finish in {seconds} s; worker log:\n{logs}")


def mails(worker) -> list[str]:
    """The e-mails the worker wrote to its mail folder."""
    messages = []
    for path in sorted(worker["mail"].iterdir()):
        messages += [
            part for part in path.read_text().split("-" * 79) if "Subject:" in part
        ]
    return messages


def succeeded(worker, task) -> int:
    """How many runs of ``task`` the worker's log reports as finished."""
    pattern = rf"{task}\[[^\]]+\] succeeded"
    return len(re.findall(pattern, worker["log"].read_text()))


def routed(ticket_id):
    return Ticket.objects.filter(pk=ticket_id, routed_at__isnull=False).first()


def file_ticket(client, **overrides) -> Ticket:
    response = client.post("/feedback/", guest_form_data(**overrides))
    assert response.status_code == 302
    return Ticket.objects.get()


def test_a_filed_ticket_is_routed_within_seconds_and_acknowledged_once(
    client, pipeline
):
    worker = pipeline()
    started = time.monotonic()

    ticket = file_ticket(client)

    ticket = wait_for(lambda: routed(ticket.pk), worker, what="routing")
    assert time.monotonic() - started < 30
    assert ticket.queue.code == "first_line"
    assert ticket.first_response_due is not None
    wait_for(lambda: Notification.objects.filter(status="sent").exists(), worker)
    time.sleep(1)  # room for a duplicate, were there one
    assert Notification.objects.count() == 1
    assert len(mails(worker)) == 1
    assert ticket.number in mails(worker)[0]


def test_routing_delivered_three_times_routes_once_and_mails_once(client, pipeline):
    worker = pipeline()
    ticket = file_ticket(client)  # its own task is the first delivery

    ticket_route_task.delay(ticket.pk)
    ticket_route_task.delay(ticket.pk)

    wait_for(lambda: succeeded(worker, "ticket_route_task") == 3, worker)
    wait_for(lambda: Notification.objects.filter(status="sent").exists(), worker)
    time.sleep(1)
    assert ticket.events.filter(kind=TicketEvent.Kind.ROUTED).count() == 1
    assert Notification.objects.count() == 1
    assert len(mails(worker)) == 1


def test_broker_down_at_submit_then_routed_when_it_returns(
    client, pipeline, broker, require_redis, settings, caplog
):
    broker("redis://127.0.0.1:1/0")  # Redis is down while the form is sent
    started = time.monotonic()

    ticket = file_ticket(client)

    assert time.monotonic() - started < 5  # the subscriber is not kept waiting
    assert ticket.routed_at is None
    assert "the sweeper will publish it again" in caplog.text

    broker(require_redis)  # Redis is back; beat runs the sweeper
    worker = pipeline()
    settings.PORTAL_ROUTING_RETRY_AFTER = 0
    assert services.ticket_routing_sweep() == 1

    wait_for(lambda: routed(ticket.pk), worker, what="routing after the outage")
    wait_for(lambda: Notification.objects.filter(status="sent").exists(), worker)
    assert len(mails(worker)) == 1


def test_a_failing_mail_server_means_retries_then_failed_never_a_duplicate(
    client, pipeline
):
    worker = pipeline(
        env={
            "EMAIL_URL": "smtp://127.0.0.1:1",  # nothing listens there
            "NOTIFICATION_RETRY_FACTOR": "1",
            "NOTIFICATION_RETRY_MAX": "1",
        }
    )

    ticket = file_ticket(client)

    notification = wait_for(
        lambda: Notification.objects.filter(status="failed").first(),
        worker,
        seconds=60,
        what="six retries",
    )
    assert notification.attempts == 7
    assert "Connection refused" in notification.last_error
    assert routed(ticket.pk) is not None
    # Routing again, or the sweeper, never makes a second one.
    ticket_route_task.delay(ticket.pk)
    assert services.notification_sweep() == 0
    time.sleep(1)
    assert Notification.objects.count() == 1


def test_a_worker_process_killed_mid_task_still_routes_once(
    client, pipeline, broker, require_redis
):
    worker = pipeline(pool="prefork")
    # Hold the ticket's row, so that the routing task waits in the middle.
    holder = threading.Event()
    release = threading.Event()

    def hold_row(ticket_id):
        from django.db import connections, transaction

        with transaction.atomic():
            Ticket.objects.select_for_update().get(pk=ticket_id)
            holder.set()
            release.wait(60)
        connections.close_all()

    broker("redis://127.0.0.1:1/0")  # filed without publishing its routing
    ticket = file_ticket(client)
    broker(require_redis)
    thread = threading.Thread(target=hold_row, args=(ticket.pk,))
    thread.start()
    holder.wait(10)
    try:
        services.ticket_route_publish(ticket_ids=[ticket.pk])
        child = wait_for(
            lambda: waiting_child(worker), worker, what="the task to start"
        )
        os.kill(child, signal.SIGKILL)  # the pool process dies mid-task
        wait_for(
            lambda: "WorkerLostError" in worker["log"].read_text(),
            worker,
            what="the worker to notice",
        )
    finally:
        release.set()
        thread.join()
    wait_for(
        lambda: routed(ticket.pk), worker, seconds=60, what="routing after the kill"
    )
    wait_for(lambda: Notification.objects.filter(status="sent").exists(), worker)
    time.sleep(1)
    assert ticket.events.filter(kind=TicketEvent.Kind.ROUTED).count() == 1
    assert Notification.objects.count() == 1
    assert len(mails(worker)) == 1


def waiting_child(worker) -> int | None:
    """The pid of the worker's pool process once it waits for the row lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        if cursor.fetchone()[0] == 0:
            return None
    children = (
        Path(f"/proc/{worker['process'].pid}/task/{worker['process'].pid}/children")
        .read_text()
        .split()
    )
    return int(children[0]) if children else None
