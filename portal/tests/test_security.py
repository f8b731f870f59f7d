import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 20 + "production-like-secret-key-for-the-deploy-check",
    "ALLOWED_HOSTS": "lk.operator.example",
    "HOTLINE_PHONE_INDIVIDUALS": "8 800 100-08-00",
    "HOTLINE_PHONE_BUSINESS": "8 800 200-30-00",
    "OPERATOR_LEGAL_NAME": "ПАО «Оператор»",
    "OPERATOR_LEGAL_ADDRESS": "123456, г. Москва, ул. Связи, д. 1",
    # check --deploy does not connect; these only have to look like production.
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.operator.example:587",
}


def run_manage(*args, env_overrides=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_responses_carry_security_headers(client):
    response = client.get(reverse("home"))

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_production_settings_secure_cookies_and_hsts():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS > 0, s.SECURE_SSL_REDIRECT)",
        env_overrides=PRODUCTION_ENV,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "True",
        "Lax",
        "True",
        "True",
    ]


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_warns_about_each_embedded_default():
    embedded = {
        k: v
        for k, v in PRODUCTION_ENV.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL")
    }
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides=embedded,
        drop=("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL"),
    )

    assert result.returncode == 1
    for code in ("portal.W001", "portal.W002", "portal.W003"):
        assert code in result.stderr


def test_uploads_are_not_served_from_a_public_path(client, settings):
    secret = Path(settings.MEDIA_ROOT) / "attachments" / "passport.pdf"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(b"%PDF-1.4 private")

    assert client.get("/media/attachments/passport.pdf").status_code == 404
    assert client.get("/static/attachments/passport.pdf").status_code == 404
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"DATABASE_URL": "postgress//nobody"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u:p@db:notaport/portal"}, "DATABASE_URL"),
        ({"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL"),
        ({"DJANGO_DEBUG": "perhaps"}, "DJANGO_DEBUG"),
        ({"SECURE_HSTS_SECONDS": "a year"}, "SECURE_HSTS_SECONDS"),
        ({"HOTLINE_PHONE_INDIVIDUALS": "call us"}, "HOTLINE_PHONE_INDIVIDUALS"),
        ({"DATABASE_URL": "mysql://u:p@db/portal"}, "DATABASE_URL"),
        ({"EMAIL_URL": "smtpx://u:p@mail.example:25"}, "EMAIL_URL"),
        ({"MEDIA_ROOT": "static/uploads"}, "MEDIA_ROOT"),
    ],
)
def test_bad_configuration_stops_with_one_line_naming_the_variable(overrides, variable):
    result = run_manage(
        "check", env_overrides={**PRODUCTION_ENV, "DJANGO_DEBUG": "1", **overrides}
    )

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert variable in lines[0]
    assert "p@db" not in lines[0]  # a password in the URL is never echoed


def test_hotline_numbers_are_required_outside_debug():
    without = {k: v for k, v in PRODUCTION_ENV.items() if k != "HOTLINE_PHONE_BUSINESS"}

    result = run_manage(
        "check", env_overrides=without, drop=("HOTLINE_PHONE_BUSINESS",)
    )

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Configuration error: "
        "HOTLINE_PHONE_BUSINESS is required when DJANGO_DEBUG is off."
    )


def test_missing_secret_key_is_fatal_outside_debug():
    result = run_manage(
        "check",
        env_overrides={"DJANGO_DEBUG": "0", "ALLOWED_HOSTS": "lk.operator.example"},
        drop=("DJANGO_SECRET_KEY",),
    )

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Configuration error: DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off."
    )


def test_gunicorn_stops_instead_of_restarting_workers_on_bad_configuration():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({**PRODUCTION_ENV, "DATABASE_URL": "postgress//nobody"})

    result = subprocess.run(
        [str(gunicorn), "portal.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert result.stderr.count("Configuration error: DATABASE_URL") == 1
