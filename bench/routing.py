"""Benchmark: routing tickets with one Celery worker, beside a no-op task.

On a scratch PostgreSQL database (created and dropped here) and a scratch
Redis database, one worker (solo pool, the portal's Celery settings) works:

1. 10,000 no-op tasks published in advance: the floor, tasks per second;
2. 10,000 tickets waiting for routing, their routing tasks published in
   advance: tickets routed per second (each routing sets queue, priority and
   deadlines, records the event and queues the acknowledgement);
3. tickets filed one by one through ``ticket_create`` (the real hand-off:
   published after the commit) at half the measured routing rate: p50/p95
   from the commit to the ticket being routed.

It prints each figure and, on its last line, the routing throughput as a
share of the no-op's (target: at least 0.5).

    .venv/bin/python bench/routing.py [--tickets 10000] [--paced 1000]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.submit import recreate_database  # noqa: E402

DATABASE = "postgres://postgres@127.0.0.1:5432/portal_bench_routing"
BROKER = "redis://127.0.0.1:6379/12"


def reachable(url: str, port: int) -> bool:
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port or port), 2).close()
    except OSError:
        return False
    return True


def environment() -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key.startswith(("PATH", "LANG", "HOME"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=DATABASE,
        REDIS_URL=BROKER,
        EMAIL_URL="dummymail://",
        HOTLINE_PHONE_INDIVIDUALS="+78001000800",
        HOTLINE_PHONE_BUSINESS="+78002003000",
        OPERATOR_LEGAL_NAME="ПАО «Бенчмарк»",
        OPERATOR_LEGAL_ADDRESS="Москва",
    )
    return env


class Worker:
    """One `celery worker` process, solo pool, on the given queues."""

    def __init__(self, env, queues):
        handle, name = tempfile.mkstemp(prefix="bench-routing-worker-", suffix=".log")
        os.close(handle)
        self.log = Path(name)
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("celery")),
                    "-A",
                    "bench.worker",
                    "worker",
                    "--pool",
                    "solo",
                    "-Q",
                    ",".join(queues),
                    "-n",
                    f"bench-{uuid.uuid4().hex[:6]}@localhost",
                    "--without-mingle",
                    "--without-gossip",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.unlink(missing_ok=True)


def drain(client, queue: str, total: int, env, queues) -> float:
    """Start a worker on a full queue; return its tasks per second.

    Timed from the first task taken to the queue being empty, so that the
    worker's start-up does not count; polled every 20 ms, which is noise next
    to the seconds that 10,000 tasks take.
    """
    worker = Worker(env, queues)
    try:
        while client.llen(queue) >= total:
            time.sleep(0.001)
        start = time.perf_counter()
        while client.llen(queue) > 0:
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
    finally:
        worker.stop()
    return (total - 1) / elapsed  # the first task started the clock


def percentile(samples, share):
    return samples[min(len(samples) - 1, int(len(samples) * share))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--paced", type=int, default=1_000)
    args = parser.parse_args()
    if not reachable(DATABASE, 5432) or not reachable(BROKER, 6379):
        print("skipped: needs PostgreSQL at 127.0.0.1:5432 and Redis at :6379")
        return

    env = environment()
    recreate_database(DATABASE)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    os.environ.update(env)
    import django

    django.setup()
    import redis
    from django.db import connection
    from django.db.models import Max, Min
    from django.utils import timezone

    from accounts.models import ServiceType
    from bench.worker import noop
    from tickets.models import Ticket, Topic
    from tickets.services import ticket_route_publish
    from tickets.tests.factories import TicketFactory

    client = redis.Redis.from_url(BROKER)
    client.flushdb()
    total = args.tickets
    try:
        # 1. The floor: no-op tasks.
        for index in range(total):
            noop.apply_async(args=(index,), queue="bench")
        noop_rate = drain(client, "bench", total, env, ["bench"])
        print(f"no-op task, one worker:            {noop_rate:8.1f} tasks/s")

        # 2. Routing throughput: tickets waiting, their tasks published.
        topics = list(Topic.objects.all())
        types = list(ServiceType.objects.all())
        now = timezone.now()
        year = timezone.localdate().year
        Ticket.objects.bulk_create(
            [
                Ticket(
                    number=f"{year}-{9000000 + index:07d}",
                    client_category="individual",
                    service_type=types[index % len(types)],
                    topic=topics[index % len(topics)],
                    body="Нет интернета с утра, перезагрузка роутера не помогла.",
                    connection_address="Москва, ул. Тестовая, д. 1",
                    reply_channel="email",
                    contact_name="Абонент",
                    contact_email=f"bench{index}@example.ru",
                    routing_requested_at=now,
                )
                for index in range(total)
            ],
            batch_size=1000,
        )
        ids = list(Ticket.objects.values_list("pk", flat=True))
        ticket_route_publish(ticket_ids=ids)
        client.delete("notifications")

        # Timed by the routing times the tickets carry (polled rarely, so that
        # the polling does not take the worker's CPU); the tasks of tickets an
        # earlier task drained cost the worker too, and count, up to an empty
        # queue.
        worker = Worker(env, ["routing"])
        try:
            deadline = time.monotonic() + 3600
            while client.llen("routing") >= total:
                time.sleep(0.001)
            start = time.perf_counter()
            while client.llen("routing") > 0:
                assert time.monotonic() < deadline, "routing did not finish"
                time.sleep(0.05)
            elapsed = time.perf_counter() - start
        finally:
            worker.stop()
        assert not Ticket.objects.filter(routed_at__isnull=True).exists()
        first, last = Ticket.objects.aggregate(
            first=Min("routed_at"), last=Max("routed_at")
        ).values()
        route_rate = (total - 1) / elapsed
        print(
            f"routing, one worker:               {route_rate:8.1f} tickets/s "
            f"(all routed within {(last - first).total_seconds():.1f} s of "
            f"{elapsed:.1f} s)"
        )

        # 3. Latency from commit to routed, filed one by one at half that rate.
        worker = Worker(env, ["routing"])
        try:
            time.sleep(3)  # the worker's start-up
            committed = {}
            interval = 2.0 / route_rate
            for _ in range(args.paced):
                ticket = TicketFactory()  # ticket_create: published on commit
                committed[ticket.pk] = time.time()
                time.sleep(interval)
            deadline = time.monotonic() + 120
            while Ticket.objects.filter(
                pk__in=committed, routed_at__isnull=True
            ).exists():
                assert time.monotonic() < deadline, "routing did not finish"
                time.sleep(0.05)
        finally:
            worker.stop()
        latencies = sorted(
            (routed_at.timestamp() - committed[pk]) * 1000
            for pk, routed_at in Ticket.objects.filter(pk__in=committed).values_list(
                "pk", "routed_at"
            )
        )
        print(
            f"commit → routed, {args.paced} filed at {1 / interval:.0f}/s: "
            f"p50 {statistics.median(latencies):6.1f} ms   "
            f"p95 {percentile(latencies, 0.95):6.1f} ms"
        )
        print(
            f"routing throughput / no-op throughput: {route_rate / noop_rate:.2f} "
            "(target: at least 0.5)"
        )
    finally:
        connection.close()
        client.flushdb()
        recreate_database(DATABASE)


if __name__ == "__main__":
    main()
