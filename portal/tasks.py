from celery import bootsteps, shared_task

from portal.celery import app

HEARTBEAT_EVERY = 60.0  # seconds


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat(self):
    """Record that the worker that took this task from the broker is alive."""
    from portal.services import worker_heartbeat_record

    worker_heartbeat_record(hostname=self.request.hostname or "in-process")


class WorkerHeartbeatStep(bootsteps.StartStopStep):
    """Record every worker's heartbeat on its own timer, from start to stop.

    A periodic task would reach only one of several workers; the timer runs in
    each worker's main process, so /healthz counts every worker that is alive.
    """

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        self.timer_ref = None

    def start(self, worker):
        self.beat(worker)
        self.timer_ref = worker.timer.call_repeatedly(
            HEARTBEAT_EVERY, self.beat, (worker,), priority=10
        )

    def stop(self, worker):
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None

    def beat(self, worker):
        from portal.services import worker_heartbeat_record

        worker_heartbeat_record(hostname=worker.hostname)


app.steps["worker"].add(WorkerHeartbeatStep)
