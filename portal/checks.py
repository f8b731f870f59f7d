"""Deploy checks: warn when production would run on the embedded defaults."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def embedded_defaults_check(app_configs, **kwargs):
    warnings = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        warnings.append(
            Warning(
                "The database is SQLite, the embedded default.",
                hint="Set DATABASE_URL to a PostgreSQL database.",
                id="portal.W001",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        warnings.append(
            Warning(
                "No Celery broker is set: background tasks run inside web requests.",
                hint="Set REDIS_URL; run celery worker and beat.",
                id="portal.W002",
            )
        )
    if settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":
        warnings.append(
            Warning(
                "E-mail is written to files, not sent.",
                hint="Set EMAIL_URL, for example smtp+tls://user:password@host:587.",
                id="portal.W003",
            )
        )
    return warnings
