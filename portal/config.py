"""Stop start-up with one clear line when the environment is unusable."""

import importlib
import os
import sys

from django.core.exceptions import ImproperlyConfigured

# gunicorn stops the whole server (instead of restarting the worker forever)
# when a worker exits with its "application failed to load" code.
GUNICORN_APP_LOAD_ERROR = 4


def exit_on_bad_config(
    default_settings: str = "portal.settings", exit_code: int = 2
) -> None:
    """Import the settings module; on a configuration error print one line and exit.

    Django would otherwise show a long traceback for a mistyped variable, burying
    the one sentence that names it.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)
    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ImproperlyConfigured as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        sys.exit(exit_code)
