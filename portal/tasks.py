from celery import shared_task
from celery.signals import worker_ready


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat(self):
    """Record that the worker running this task is alive."""
    from portal.services import worker_heartbeat_record

    worker_heartbeat_record(hostname=self.request.hostname or "in-process")


@worker_ready.connect
def _worker_heartbeat_on_start(sender, **kwargs):
    """Record a worker as soon as it starts, not only at beat's first tick."""
    from portal.services import worker_heartbeat_record

    worker_heartbeat_record(hostname=sender.hostname)
