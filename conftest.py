"""Fixtures shared by every app's tests.

Tests that need PostgreSQL, Redis, a Celery worker or Chromium skip with a
reason when those are missing. ``PORTAL_REQUIRE`` (comma-separated: postgres,
redis, chromium) turns such a skip into a failure; .ci/run sets it.
"""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from django.conf import settings
from django.core.cache import cache

from portal.celery import app as celery_app
from portal.testing import need

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


@pytest.fixture
def require_postgres():
    engine = settings.DATABASES["default"]["ENGINE"]
    need(
        "postgres",
        engine == "django.db.backends.postgresql",
        "needs PostgreSQL: set DATABASE_URL=postgres://…",
    )


@pytest.fixture
def require_redis():
    url = settings.CELERY_BROKER_URL
    need(
        "redis",
        url.startswith("redis://") and _reachable(url, 6379),
        "needs Redis: set REDIS_URL=redis://… to a running server",
    )
    return url


@pytest.fixture
def broker(monkeypatch):
    """Send tasks through the given broker (not in-process) for one test."""
    saved = {
        "broker_url": celery_app.conf.broker_url,
        "task_always_eager": celery_app.conf.task_always_eager,
    }

    def forget_connections():
        # The app keeps pools of connections to the broker it first used.
        from kombu import pools

        pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    def use(url):
        # Celery reads CELERY_BROKER_URL from the environment before its config.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        celery_app.conf.update(broker_url=url, task_always_eager=False)
        forget_connections()

    yield use
    celery_app.conf.update(**saved)
    forget_connections()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start each test with no rate-limit counters left by another.

    Nor with reference snapshots (portal.refcache) built from rows that the
    last test's rolled-back transaction had.
    """
    from portal import refcache
    from tickets.services import routed_memory_clear

    cache.clear()
    refcache.reset()
    routed_memory_clear()


@pytest.fixture(scope="session")
def _playwright():
    need(
        "chromium",
        shutil.which(CHROMIUM) is not None,
        f"needs Chromium at {CHROMIUM} (apt-get install chromium)",
    )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django's ORM
    # refuses to run there unless told the calls are really synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def reference_data(db):
    """Reload the reference data that migrations create.

    Transactional tests (the browser ones) empty every table afterwards,
    migrations' rows included, and the tests after them still need those rows.
    """
    from django.apps import apps

    from accounts.models import ServiceType
    from accounts.reference import service_types_ensure
    from offices.models import City
    from offices.reference import cities_ensure
    from tickets.models import Category, SpecialistQueue, Topic
    from tickets.reference import reference_ensure, routing_reference_ensure
    from tickets.roles import roles_ensure

    service_types_ensure(ServiceType)
    cities_ensure(City)
    reference_ensure(
        queue_model=SpecialistQueue, category_model=Category, topic_model=Topic
    )
    routing_reference_ensure(apps.get_model)
    roles_ensure(apps.get_model)


@pytest.fixture
def page(browser, live_server, reference_data):
    """A fresh browser page on the live server, in an English-language browser."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",  # Russian must not depend on the browser
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = page.console_errors = []  # a test expecting an error clears it
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def console(msg):
        if msg.type == "error":  # where it came from, to find it again
            errors.append(f"{msg.text} [{msg.location.get('url')} on {page.url}]")

    page.on("console", console)
    yield page
    context.close()
    assert not errors, f"the page logged errors: {errors}"


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(require_postgres, require_redis, tmp_path):
    """Start real `celery -A portal worker` processes against the test database.

    ``start_worker(queues=[...], pool="solo", env={...})`` returns a dict with
    the process, its node name, log file and the folder its e-mails go to.
    Every worker started is stopped after the test.
    """
    started = []

    def start(*, queues, pool="solo", env=None, name="pytest"):
        node = f"{name}-{len(started)}@localhost"
        mail_dir = tmp_path / f"mail-{len(started)}"
        mail_dir.mkdir()
        environment = {
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "worker-test-secret-key-" + "0123456789abcdef" * 3,
            "ALLOWED_HOSTS": "localhost",
            "HOTLINE_PHONE_INDIVIDUALS": "+78001000800",
            "HOTLINE_PHONE_BUSINESS": "+78002003000",
            "OPERATOR_LEGAL_NAME": "ПАО «Тест Телеком»",
            "OPERATOR_LEGAL_ADDRESS": "123456, г. Москва, ул. Тестовая, д. 1",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": require_redis,
            "EMAIL_FILE_PATH": str(mail_dir),
            **(env or {}),
        }
        log = tmp_path / f"worker-{len(started)}.log"
        command = [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "portal",
            "worker",
            "--pool",
            pool,
            "--concurrency",
            "1",
            "-Q",
            ",".join(queues),
            "-n",
            node,
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
        ]
        with log.open("w") as out:
            process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        worker = {"process": process, "node": node, "log": log, "mail": mail_dir}
        started.append(worker)
        return worker

    yield start
    for worker in started:
        process = worker["process"]
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
