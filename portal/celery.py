"""The Celery application (see README: "Production" for worker and beat)."""

import os
import sys

from celery import Celery, signals

from portal.broker import transport_register

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

if os.path.basename(sys.argv[0]) == "celery":
    # A worker or beat started with a bad environment: one line, not a traceback.
    from portal.config import exit_on_bad_config

    exit_on_bad_config()

transport_register()
app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_connections(**kwargs):
    """Around each task, as around each web request: drop a database connection
    that broke or outlived CONN_MAX_AGE, keep a healthy one."""
    if not getattr(kwargs.get("task") and kwargs["task"].request, "is_eager", False):
        from django.db import close_old_connections

        close_old_connections()
