"""WSGI entry point (gunicorn portal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from portal.config import exit_on_bad_config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
exit_on_bad_config()
application = get_wsgi_application()
