"""The Celery set-up the issue asks for, checked where a typo would hide it."""

from django.conf import settings

from portal.celery import app

OUR_APPS = ("tickets.", "accounts.", "portal.")


def queue_of(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name)
    return route["queue"].name


def test_each_kind_of_work_has_its_own_queue():
    assert queue_of("tickets.tasks.ticket_route_task") == "routing"
    assert queue_of("tickets.tasks.notification_send_task") == "notifications"
    assert queue_of("tickets.tasks.notification_send_batch_task") == "notifications"
    assert queue_of("accounts.tasks.account_email_send_task") == "notifications"
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert queue_of(entry["task"]) == "periodic", entry["task"]
    # A worker started without -Q consumes every one of them.
    assert {"routing", "notifications", "periodic", "celery"} <= set(app.amqp.queues)


def test_every_periodic_entry_names_a_real_task_that_expires():
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        assert entry["options"]["expires"] <= entry["schedule"], name


def test_delivery_is_late_acknowledged_one_at_a_time_with_limits():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    # Longer than the longest retry delay of any task.
    longest_retry = settings.PORTAL_NOTIFICATION_RETRY_BACKOFF[1]
    assert conf.broker_transport_options["visibility_timeout"] > longest_retry
    assert conf.broker_transport_options["socket_connect_timeout"] <= 1
    for name, task in app.tasks.items():
        if name.startswith(OUR_APPS):
            limit = task.time_limit or conf.task_time_limit
            assert limit, name
            assert limit <= conf.broker_transport_options["visibility_timeout"], name
