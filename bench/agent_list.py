"""Benchmark: the agents' desk with a million tickets in PostgreSQL.

Builds a scratch database (created and dropped here) with ``desk_sample_data``
(1,000,000 tickets by default), starts gunicorn, signs in an agent of three
queues and requests over real HTTP, at concurrency 1 and 8:

- the default ticket list (the agent's queues, by deadline);
- a filtered list (in progress, deadline breached);
- a search (a ticket number of the agent's queues);
- a ticket page;

beside two floors measured in the same run on the same table: a minimal
Django view rendering the 50 newest rows through a plain template, and a
bare ``ModelAdmin`` changelist of the ticket model (no filters, estimated
count). It prints p50/p95 of each and, on its last line, the default list's
p50 as a multiple of the bare changelist's (target: within 2x).

    .venv/bin/python bench/agent_list.py [--tickets 1000000] [--repeat 100]
"""

import argparse
import os
import socket
import sys
import threading
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

DATABASE = "postgres://postgres@127.0.0.1:5432/portal_bench_desk"
QUEUES = ("first_line", "internet_l2", "business")


def measure(port, cookies, path, concurrency, repeat):
    """p50 and p95 (ms) of GET ``path`` by ``concurrency`` parallel clients."""
    samples = []
    lock = threading.Lock()

    def client():
        browser = Browser(port)
        browser.cookies = dict(cookies)
        own = []
        for _ in range(repeat):
            start = time.perf_counter()
            status, _headers, _body = browser.request("GET", path)
            own.append(time.perf_counter() - start)
            assert status == 200, (path, status)
        with lock:
            samples.extend(own)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summary(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        print("skipped: needs PostgreSQL at 127.0.0.1:5432")
        return

    env = server_env(DATABASE)
    recreate_database(DATABASE)
    sample_data_build(env, args.tickets)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from tickets import roles
    from tickets.models import QueueMembership, SpecialistQueue, Ticket

    agent = staff_create("bench.agent", roles.AGENTS)
    for code in QUEUES:
        QueueMembership.objects.create(
            queue=SpecialistQueue.objects.get(code=code), user=agent
        )
    own = Ticket.objects.filter(queue__code__in=QUEUES)
    sample = own.order_by("pk")[own.count() // 2]  # a ticket of the agent's
    print(f"tickets: {Ticket.objects.count()}; in the agent's queues: {own.count()}")
    connection.close()

    server, port = gunicorn_start(env, workers=4)
    try:
        browser = Browser(port)
        fields, _html = browser.form("/account/login/")
        status, _h, _b = browser.post(
            "/account/login/",
            {**fields, "username": "bench.agent", "password": PASSWORD},
        )
        assert status == 302, f"sign-in failed: {status}"
        cookies = browser.cookies
        pages = [
            ("floor: 50 newest rows, plain template", "/bench-newest/"),
            ("floor: bare ModelAdmin changelist", "/bench-admin/tickets/ticket/"),
            ("desk: default list", "/admin/tickets/ticket/"),
            (
                "desk: filtered list",
                "/admin/tickets/ticket/?status__exact=in_progress&sla=breached",
            ),
            ("desk: search by number", f"/admin/tickets/ticket/?q={sample.number}"),
            ("desk: ticket page", f"/admin/tickets/ticket/{sample.pk}/change/"),
        ]
        for _label, path in pages:  # warm every worker and the caches
            measure(port, cookies, path, 4, 3)
        results = {}
        for concurrency in (1, 8):
            print(f"-- concurrency {concurrency}")
            for label, path in pages:
                p50, p95 = measure(port, cookies, path, concurrency, args.repeat)
                results[label, concurrency] = p50
                print(f"{label:<42} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
        for concurrency in (1, 8):
            ratio = (
                results["desk: default list", concurrency]
                / results["floor: bare ModelAdmin changelist", concurrency]
            )
            print(
                f"default list p50 / bare changelist p50 at concurrency "
                f"{concurrency}: {ratio:.2f}x (target: within 2x)"
            )
    finally:
        gunicorn_stop(server)
        recreate_database(DATABASE)


if __name__ == "__main__":
    main()
