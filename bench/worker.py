"""The Celery app the routing benchmark's worker runs: the portal's, plus a no-op.

The no-op task is the floor: what one worker does per task with nothing to do
(take the message from Redis, run, acknowledge), on the same broker and with
the same settings as the routing task.
"""

from portal.celery import app


@app.task(name="bench.noop", ignore_result=True)
def noop(index: int) -> None:
    """Nothing: the cost of a task itself."""
