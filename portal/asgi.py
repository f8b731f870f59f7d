"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from portal.config import exit_on_bad_config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
exit_on_bad_config()
application = get_asgi_application()
