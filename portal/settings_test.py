"""Settings for the test suite: the real settings with test-only overrides."""

import os

# The real settings refuse to load without these; set them only while importing,
# so that subprocesses started by tests see the environment they were given.
_TEST_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production-use-0123456789",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "HOTLINE_PHONE_INDIVIDUALS": "+78001000800",
    "HOTLINE_PHONE_BUSINESS": "+78002003000",
    "OPERATOR_LEGAL_NAME": "ПАО «Тест Телеком»",
    "OPERATOR_LEGAL_ADDRESS": "123456, г. Москва, ул. Тестовая, д. 1",
}
_added = [key for key in _TEST_ENV if key not in os.environ]
os.environ.update({key: _TEST_ENV[key] for key in _added})
try:
    from .settings import *  # noqa: F403
    from .settings import VAR_DIR
finally:
    for key in _added:
        del os.environ[key]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CAPTCHA_TEST_MODE = True
# Unit tests run tasks in the caller; the worker test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# The test server speaks plain HTTP; cookies must still reach it.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Built static files are not needed to run tests.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
# Serve static files straight from the app folders in tests (no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Each test starts with no sign-in failures and no throttle counters.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# No internet here: the offices map is drawn without tiles (markers only).
OFFICES_MAP_TILES_URL = ""
