"""The Celery application (see README: "Production" for worker and beat)."""

import os
import sys

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

if os.path.basename(sys.argv[0]) == "celery":
    # A worker or beat started with a bad environment: one line, not a traceback.
    from portal.config import exit_on_bad_config

    exit_on_bad_config()

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
