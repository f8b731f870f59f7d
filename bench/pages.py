"""Benchmark: the public pages through the whole middleware stack.

Migrates an in-memory database (the feedback form lists the topics), renders each page
many times with Django's test client and prints the median time per request.
The baseline, measured in the same run, is an empty view behind the same
middleware; the last line prints the home page's ratio to it.

    .venv/bin/python bench/pages.py [--repeat N]
"""

import argparse
import logging
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

# The test settings switch the captcha to test mode, which warns loudly.
warnings.filterwarnings("ignore", message="CAPTCHA_TEST_MODE")
logging.getLogger("captcha").setLevel(logging.CRITICAL)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402


def empty(request):
    return HttpResponse("ok")


urlpatterns = [path("bench-empty/", empty), path("", include("portal.urls"))]

PAGES = ["/", "/hotline/", "/feedback/", "/offices/", "/faq/", "/account/login/"]


def measure(client, url, repeat):
    client.get(url)  # warm the template cache
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    with override_settings(ROOT_URLCONF=__name__):
        client = Client()
        baseline = measure(client, "/bench-empty/", args.repeat)
        print(f"{'empty view (baseline)':<28} {baseline:8.3f} ms")
        results = {}
        for url in PAGES:
            results[url] = measure(client, url, args.repeat)
            print(f"{url:<28} {results[url]:8.3f} ms")
    print(f"home page / empty view: {results['/'] / baseline:.2f}x")


if __name__ == "__main__":
    main()
