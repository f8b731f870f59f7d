"""The portal's settings, with the benchmark's floor view added to its URLs."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.server.urls"
WSGI_APPLICATION = "bench.server.wsgi.application"

# Static files from the app folders: the benchmark builds no release.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise wants it
