"""Benchmark: the managers' default report over a million tickets.

Builds a scratch PostgreSQL database (created and dropped here) with
``desk_sample_data`` (1,000,000 tickets over twelve months by default),
starts gunicorn, signs in a manager and requests the default report (the
last 30 days, no filters) over real HTTP, then prints its p50/p95 beside a
plain ``SELECT count(*)`` over the same 30 days, timed in the same run.
Target: the report under 1 second.

    .venv/bin/python bench/reports.py [--tickets 1000000] [--repeat 20]
"""

import argparse
import datetime
import os
import socket
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.submit import (  # noqa: E402
    PASSWORD,
    Browser,
    gunicorn_start,
    gunicorn_stop,
    recreate_database,
    sample_data_build,
    server_env,
    staff_create,
    summary,
)

DATABASE = "postgres://postgres@127.0.0.1:5432/portal_bench_reports"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        print("skipped: needs PostgreSQL at 127.0.0.1:5432")
        return

    env = server_env(DATABASE)
    recreate_database(DATABASE)
    try:
        run(env, args)
    finally:
        recreate_database(DATABASE)


def run(env, args):
    sample_data_build(env, args.tickets)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from tickets import roles

    staff_create("bench.manager", roles.MANAGERS)
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(
        today - datetime.timedelta(days=29), datetime.time(), tzinfo=zone
    )
    end = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )
    counts = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM tickets_ticket "
                "WHERE created_at >= %s AND created_at < %s",
                [start, end],
            )
            in_range = cursor.fetchone()[0]
        counts.append(time.perf_counter() - began)
    connection.close()

    server, port = gunicorn_start(env, workers=2, timeout=120)
    try:
        browser = Browser(port)
        fields, _html = browser.form("/account/login/")
        status, _h, _b = browser.post(
            "/account/login/",
            {**fields, "username": "bench.manager", "password": PASSWORD},
        )
        assert status == 302, f"sign-in failed: {status}"
        for _ in range(2):  # warm both workers
            browser.request("GET", "/reports/")
        samples = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            status, _headers, body = browser.request("GET", "/reports/")
            samples.append(time.perf_counter() - began)
            assert status == 200, status
            assert 'id="table-daily"' in body
    finally:
        gunicorn_stop(server)
    report_p50, report_p95 = summary(samples)
    count_p50, count_p95 = summary(counts)
    print(f"tickets in the last 30 days: {in_range}")
    for label, p50, p95 in (
        ("plain count(*) over the 30 days", count_p50, count_p95),
        ("default report, full HTTP page", report_p50, report_p95),
    ):
        print(f"{label:<40} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    print(
        f"report p50 / count(*) p50: {report_p50 / count_p50:.1f}x; "
        f"report p95 {report_p95:.0f} ms (target: under 1000 ms)"
    )


if __name__ == "__main__":
    main()
