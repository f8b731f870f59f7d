"""Benchmark: the FAQ search page with 10,000 articles on PostgreSQL.

Builds a scratch database (created and dropped here) with 10,000 published
articles (the thirty demo answers in many variants, indexed for Russian
full-text search), starts gunicorn and requests over real HTTP:

- the search page for a mix of queries: common words, Russian word forms,
  a typo, a phrase, a query with quotes and a query that finds nothing;
- the floor, in the same run on the same server: a minimal Django view that
  returns one article by its primary key.

It prints p50/p95 of each and the search's p50 as a multiple of the floor's
(target: within 3x) and its p95 (target: under 50 ms), twice: with the search
results kept in the cache as in production (the queries repeat, as
subscribers' do), and with nothing kept (every request searches).

    .venv/bin/python bench/faq_search.py [--articles 10000] [--repeat 200]
"""

import argparse
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.submit import (  # noqa: E402
    Browser,
    gunicorn_start,
    gunicorn_stop,
    recreate_database,
    server_env,
    summary,
)

DATABASE = "postgres://postgres@127.0.0.1:5432/portal_bench_faq"
QUERIES = [
    "роутер",
    "роутеры",
    "нет интернета",
    "как пополнить баланс картой",
    "роутр",  # a typo
    '"обещанный платёж"',
    "приставка нет сигнала",
    "переезд",
    "квантовый телепорт",  # nothing
]
EXTRA_WORDS = (  # noqa: SIM905 - reads as the text it is
    "кабель порт оптика сигнал абонент квартира подъезд дом тариф пакет счёт "
    "договор оплата карта офис мастер выезд линия сеть скорость приставка "
    "канал пароль настройка адрес номер заявка срок ответ клиент услуга"
).split()


def measure(port, path, repeat):
    browser = Browser(port)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        status, _headers, _body = browser.request("GET", path)
        samples.append(time.perf_counter() - start)
        assert status == 200, (path, status)
    return samples


def articles_create(count):
    from accounts.models import ServiceType
    from faq.demo import ARTICLES, demo_faq_load
    from faq.models import Article, FaqCategory
    from faq.rendering import answer_render
    from faq.services import article_index

    demo_faq_load()
    categories = {category.slug: category for category in FaqCategory.objects.all()}
    rendered = {slug: answer_render(answer) for slug, _c, _t, answer, *_ in ARTICLES}
    random.seed(7)  # the same articles every run
    batch = []
    for number in range(count - len(ARTICLES)):
        slug, category, title, answer, *_rest = ARTICLES[number % len(ARTICLES)]
        words = " ".join(random.sample(EXTRA_WORDS, 6))
        html, text = rendered[slug]
        batch.append(
            Article(
                slug=f"{slug}-{number}",
                category=categories[category],
                title=f"{title}: {words.split()[0]} {number}",
                answer=f"{answer}\n\n{words}",
                answer_html=f"{html}<p>{words}</p>",
                answer_text=f"{text} {words}",
                tags=", ".join(random.sample(EXTRA_WORDS, 3)),
                order=number % 50,
                views=random.randint(0, 5000),  # noqa: S311 - sample data
            )
        )
    Article.objects.bulk_create(batch, batch_size=2000)
    article_index(Article.objects.values_list("pk", flat=True))
    assert ServiceType.objects.exists()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        print("skipped: needs PostgreSQL at 127.0.0.1:5432")
        return

    env = server_env(DATABASE)
    recreate_database(DATABASE)
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
    from django.db import connection

    from faq.models import Article

    started = time.perf_counter()
    articles_create(args.articles)
    with connection.cursor() as cursor:
        # bulk_create, then the search documents: the table as a fresh import
        # leaves it once vacuumed.
        cursor.execute("VACUUM FULL ANALYZE faq_article")
    print(
        f"articles: {Article.objects.count()} "
        f"({time.perf_counter() - started:.0f} s to create and index)"
    )
    sample = Article.objects.order_by("pk")[args.articles // 2].pk
    connection.close()

    if env.get("REDIS_URL"):  # nothing kept from an earlier run's articles
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    try:
        for kept, seconds in (("results kept", "600"), ("nothing kept", "0")):
            print(f"-- {kept} (FAQ_SEARCH_CACHE_SECONDS={seconds})")
            run_server(
                {**env, "FAQ_SEARCH_CACHE_SECONDS": seconds}, sample, args.repeat
            )
    finally:
        recreate_database(DATABASE)


def run_server(env, sample, repeat):
    server, port = gunicorn_start(env, workers=2)
    try:
        floor_path = f"/bench-article/{sample}/"
        search_paths = [f"/faq/search/?q={quote(query)}" for query in QUERIES]
        for path in [floor_path, *search_paths]:  # warm the workers
            measure(port, path, 5)
        floor = measure(port, floor_path, repeat)
        per_query = {path: measure(port, path, repeat // 4) for path in search_paths}
        everything = [sample for samples in per_query.values() for sample in samples]
        floor_p50, floor_p95 = summary(floor)
        label = "floor: one article by pk"
        print(f"{label:<44} p50 {floor_p50:6.1f} ms   p95 {floor_p95:6.1f} ms")
        for query, path in zip(QUERIES, search_paths, strict=True):
            p50, p95 = summary(per_query[path])
            print(f"{'search: ' + query:<44} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
        p50, p95 = summary(everything)
        print(f"{'search: all queries':<44} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
        print(f"search p50 / floor p50: {p50 / floor_p50:.2f}x (target: within 3x)")
        print(f"search p95: {p95:.1f} ms (target: under 50 ms)")
    finally:
        gunicorn_stop(server)


if __name__ == "__main__":
    main()
