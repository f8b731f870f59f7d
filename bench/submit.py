"""Benchmark: filing tickets through full HTTP requests on PostgreSQL.

Starts gunicorn on a scratch PostgreSQL database (created and dropped here),
signs in demo subscribers and posts the feedback form over real HTTP, the way
a browser does: GET the form (CSRF cookie and submission key), then POST it.
Measured are the POSTs:

- a plain submission by a signed-in subscriber;
- the same with a 1 MB attachment;
- a guest's submission, its captcha answered from the captcha store (never
  by the test mode);
- the floor, in the same run and on the same server: a minimal Django view
  behind the same middleware that inserts one row per POST, measured in turn
  with the plain submission (one of each, again and again).

It prints submissions per second and p50/p95 of each, and on its last line
the plain submission's p50 as a multiple of the floor's (target: within 5x).
The floor measured alone, back to back, is printed beside it: on a shared
machine it comes out faster, its few lines staying in the processor's caches,
and the machine's speed drifts over a run, which taking turns cancels.
Rate limits are lifted for the run. As in production, the cache, sessions and
the task broker are on Redis (REDIS_URL, or a scratch Redis database when
Redis listens on 127.0.0.1:6379); without Redis, tasks run in the web process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/submit.py [--repeat N]
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_bench"
# Tasks are published here and never run: the web side is what is measured.
BENCH_BROKER = "redis://127.0.0.1:6379/13"
PASSWORD = "Bench-Pass-2026"  # noqa: S105 - a scratch database's users
PNG_1MB = b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 - 8)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(env: dict, workers: int = 2, timeout: int = 30):
    """Start the bench server (``bench.server.wsgi``) under gunicorn on a free
    port; return the process and the port once it listens."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "bench.server.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, port


def gunicorn_stop(server) -> None:
    server.terminate()
    server.wait(timeout=30)


def server_env(database_url: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key.startswith(("PATH", "LANG", "CELERY_BROKER_URL", "REDIS_URL", "HOME"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.server.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        EMAIL_URL="dummymail://",
        HOTLINE_PHONE_INDIVIDUALS="+78001000800",
        HOTLINE_PHONE_BUSINESS="+78002003000",
        OPERATOR_LEGAL_NAME="ПАО «Бенчмарк»",
        OPERATOR_LEGAL_ADDRESS="Москва",
        TICKET_LIMIT="100000000",
    )
    if "CELERY_BROKER_URL" not in env and "REDIS_URL" not in env:
        try:
            socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
            # The production shape: cache, sessions and broker on Redis.
            env["REDIS_URL"] = BENCH_BROKER
        except OSError:
            pass  # tasks run in the web process, as under make run
    return env


def recreate_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


class Browser:
    """A cookie-keeping HTTP client speaking to the local server."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.setdefault("Host", "127.0.0.1")
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return (
            response.status,
            dict(response.getheaders()),
            content.decode("utf-8", "replace"),
        )

    def form(self, path):
        status, _headers, html = self.request("GET", path)
        assert status == 200, (path, status)
        fields = dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
        )
        return fields, html

    def post(self, path, fields, files=()):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                f"\r\n\r\n{value}\r\n".encode()
            )
        for name, filename, content in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream'
                "\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        body = b"".join(parts)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(body)),
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
            "Referer": "http://127.0.0.1/",
        }
        return self.request("POST", path, body, headers)


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        samples.append(fn())
    samples.sort()
    return samples


def timed_in_turn(fns, repeat):
    """Time each of ``fns`` ``repeat`` times, taking turns; a list per fn."""
    samples = [[] for _fn in fns]
    for _ in range(repeat):
        for fn, own in zip(fns, samples, strict=True):
            own.append(fn())
    return [sorted(own) for own in samples]


def summary(samples) -> tuple[float, float]:
    """p50 and p95 of ``samples`` (seconds), in milliseconds."""
    ordered = sorted(samples)
    return (
        statistics.median(ordered) * 1000,
        ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000,
    )


def sample_data_build(env: dict, tickets: int) -> None:
    """Migrate the scratch database and fill it with ``desk_sample_data``,
    printing how long each step took."""
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["desk_sample_data", "--tickets", str(tickets)],
    ):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"{command[0]}: {time.perf_counter() - started:.0f} s")


def staff_create(username: str, role: str):
    """An employee of the scratch database with PASSWORD, in the role's group."""
    from django.contrib.auth.models import Group

    from accounts.tests.factories import UserFactory

    user = UserFactory(subscriber=None, is_staff=True, username=username)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def report(label, samples):
    p50, p95 = summary(samples)
    per_second = len(samples) / sum(samples)
    print(f"{label:<40} {per_second:8.1f}/s   p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
    return p50


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        database_url = DEFAULT_DB
    parsed = urlparse(database_url)
    try:
        socket.create_connection(
            (parsed.hostname, parsed.port or 5432), timeout=2
        ).close()
    except OSError:
        print(f"skipped: needs PostgreSQL at {parsed.hostname}:{parsed.port or 5432}")
        return

    env = server_env(database_url)
    recreate_database(database_url)
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    os.environ.update(env)
    import django

    django.setup()
    from captcha.models import CaptchaStore
    from django.db import connection

    from accounts.tests.factories import (
        PersonalAccountFactory,
        ServiceFactory,
        UserFactory,
    )
    from tickets.models import Ticket, Topic

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_row (id bigserial PRIMARY KEY, body text, "
            "created timestamptz DEFAULT now())"
        )
    users = []
    for _ in range(10):
        user = UserFactory(password=PASSWORD)
        user.set_password(PASSWORD)
        user.save()
        ServiceFactory(account=PersonalAccountFactory(subscriber=user.subscriber))
        users.append(user)
    topic = Topic.objects.get(code="fault")

    server, port = gunicorn_start(env, workers=2)
    try:
        browsers = []
        for user in users:
            browser = Browser(port)
            fields, _html = browser.form("/account/login/")
            status, _h, _b = browser.post(
                "/account/login/",
                {**fields, "username": user.email, "password": PASSWORD},
            )
            assert status == 302, f"sign-in failed: {status}"
            browsers.append(browser)

        counter = {"n": 0}

        def submit(files=()):
            browser = browsers[counter["n"] % len(browsers)]
            counter["n"] += 1
            fields, _html = browser.form("/feedback/")
            fields.update(
                topic=topic.pk,
                body="Нет интернета с утра, роутер перезагружал, не помогло.",
                reply_channel="email",
                connection_address="Москва, ул. Тестовая, д. 1",
                service_type=1,
            )
            start = time.perf_counter()
            status, _h, body = browser.post("/feedback/", fields, files)
            elapsed = time.perf_counter() - start
            assert status == 302, (status, body[:2000])
            return elapsed

        def submit_guest():
            browser = Browser(port)
            fields, _html = browser.form("/feedback/")
            key = fields["captcha_0"]
            answer = CaptchaStore.objects.get(hashkey=key).response
            fields.update(
                service_type=1,
                client_category="individual",
                topic=topic.pk,
                connection_address="Москва, ул. Тестовая, д. 1",
                body="Нет интернета с утра, роутер перезагружал, не помогло.",
                reply_channel="email",
                contact_name="Гость",
                contact_email="guest@example.ru",
                consent="on",
                captcha_1=answer,
            )
            start = time.perf_counter()
            status, _h, body = browser.post("/feedback/", fields)
            elapsed = time.perf_counter() - start
            assert status == 302, (status, body[:2000])
            return elapsed

        def insert_row():
            browser = browsers[0]
            start = time.perf_counter()
            status, _h, _b = browser.post("/bench-insert/", {"body": "x" * 200})
            elapsed = time.perf_counter() - start
            assert status == 200, status
            return elapsed

        for _ in range(10):  # warm both workers
            insert_row()
            submit()
        # The floor and the plain submission take turns, so that both see the
        # machine in the same state (its speed drifts over a run).
        floor_samples, plain_samples = timed_in_turn([insert_row, submit], args.repeat)
        floor = report("floor: minimal view, one INSERT", floor_samples)
        plain = report("subscriber, plain submission", plain_samples)
        # For comparison: the floor alone, request after request, its code
        # never leaving the processor's caches (a best case no mixed traffic
        # sees).
        alone = report("floor, back to back", timed(insert_row, args.repeat))
        report(
            "subscriber, with a 1 MB attachment",
            timed(lambda: submit([("attachments", "speed.png", PNG_1MB)]), args.repeat),
        )
        report("guest, captcha from the store", timed(submit_guest, args.repeat))
        broker = env.get("CELERY_BROKER_URL") or env.get("REDIS_URL")
        print(
            f"tickets filed: {Ticket.objects.count()}; tasks: "
            f"{broker or 'in the web process'}"
        )
        print(f"plain submission p50 / back-to-back floor p50: {plain / alone:.2f}x")
        ratio = plain / floor
        print(f"plain submission p50 / floor p50: {ratio:.2f}x (target: within 5x)")
    finally:
        gunicorn_stop(server)
        connection.close()
        recreate_database(database_url)
        if env.get("REDIS_URL") == BENCH_BROKER:
            import redis

            redis.Redis.from_url(BENCH_BROKER).flushdb()


if __name__ == "__main__":
    main()
