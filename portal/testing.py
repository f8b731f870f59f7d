"""Helpers for the test suite (imported by conftest.py and the tests)."""

import os

import pytest


def _required() -> set[str]:
    return {
        item.strip()
        for item in os.environ.get("PORTAL_REQUIRE", "").split(",")
        if item.strip()
    }


def need(kind: str, available: bool, reason: str) -> None:
    """Skip the test when ``kind`` is unavailable, or fail if CI requires it."""
    if available:
        return
    if kind in _required():
        pytest.fail(f"{reason} (PORTAL_REQUIRE includes {kind!r})", pytrace=False)
    pytest.skip(reason)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page; return the violations of the given impact."""
    from axe_playwright_python.sync_playwright import Axe

    # No CSSOM preload: for a stylesheet with an @import (the admin's forms.css)
    # axe may re-fetch the text and parse it in a <style> of a scratch document,
    # which the CSP refuses and whose relative import 404s, depending on timing.
    # The rule that needs it (css-orientation-lock) has nothing to find here.
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in results.response["violations"]
        if violation["impact"] in impacts
    ]
