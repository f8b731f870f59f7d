"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from portal.config import GUNICORN_APP_LOAD_ERROR, exit_on_bad_config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
exit_on_bad_config(exit_code=GUNICORN_APP_LOAD_ERROR)
application = get_asgi_application()
