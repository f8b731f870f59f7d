"""WSGI entry point (gunicorn portal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from portal.config import GUNICORN_APP_LOAD_ERROR, exit_on_bad_config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
exit_on_bad_config(exit_code=GUNICORN_APP_LOAD_ERROR)
application = get_wsgi_application()
