from celery import shared_task


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat(self):
    """Record that the worker running this task is alive."""
    from portal.services import worker_heartbeat_record

    worker_heartbeat_record(hostname=self.request.hostname or "in-process")
