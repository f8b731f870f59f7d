"""Stop start-up with one clear line when the environment is unusable."""

import importlib
import os
import sys

from django.core.exceptions import ImproperlyConfigured


def exit_on_bad_config(default_settings: str = "portal.settings") -> None:
    """Import the settings module; on a configuration error print one line and exit.

    Django would otherwise show a long traceback for a mistyped variable, burying
    the one sentence that names it.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)
    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ImproperlyConfigured as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
