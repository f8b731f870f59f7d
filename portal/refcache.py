"""Small reference tables kept in each process's memory.

Every ticket reads the same few dozen rows: service types, topics, later the
routing rules. Querying them again for each request costs more than the rest
of filing a ticket, so each process keeps a snapshot of every such table and
builds it again when it may have changed:

- saving or deleting a row of a watched model (admin edits, data imports)
  drops this process's snapshots at once and moves a shared version stamp in
  the cache (Redis in production), again when the transaction commits;
- other processes look at that stamp at most once per
  ``PORTAL_REFERENCE_CHECK_SECONDS`` (default 1 s) and rebuild when it moved.

A snapshot built inside a transaction that changed watched rows is used but
not kept: its uncommitted rows must not outlive a rollback. Snapshot objects
are shared by every request of the process: read them, never change them.
"""

import threading
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

VERSION_KEY = "portal:reference-version"

_lock = threading.Lock()
_snapshots: dict[str, object] = {}
_state = {"version": None, "checked": 0.0}
# Set while this thread's open transaction has changed watched rows.
_local = threading.local()


class Reference:
    """A snapshot of reference data, built by ``build`` and reused until stale."""

    def __init__(self, name: str, build: Callable[[], object]):
        self.name = name
        self.build = build

    def get(self):
        _check_version()
        value = _snapshots.get(self.name)
        if value is None:
            value = self.build()
            if not _uncommitted_changes():
                with _lock:
                    _snapshots[self.name] = value
        return value


def _uncommitted_changes() -> bool:
    if getattr(_local, "dirty", False) and not connection.in_atomic_block:
        _local.dirty = False  # that transaction has ended, one way or the other
    return getattr(_local, "dirty", False)


def reference(*, watch: tuple) -> Callable:
    """Turn a function that builds a snapshot into one that returns it, kept.

    ``watch`` lists the models whose changes make the snapshot stale.
    """

    for model in watch:
        _watch(model)

    def decorate(build):
        return Reference(f"{build.__module__}.{build.__qualname__}", build).get

    return decorate


def invalidate() -> None:
    """Drop this process's snapshots and tell the other processes to drop theirs."""

    with _lock:
        _snapshots.clear()
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    _state["version"] = version


def reset() -> None:
    """Forget this process's snapshots (after ``migrate``, ``flush``, in tests)."""

    with _lock:
        _snapshots.clear()
    _local.dirty = False
    _state.update(version=None, checked=0.0)


def _check_version() -> None:
    now = time.monotonic()
    if now - _state["checked"] < settings.PORTAL_REFERENCE_CHECK_SECONDS:
        return
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY)
    if version != _state["version"]:
        with _lock:
            _snapshots.clear()
        _state["version"] = version
    _state["checked"] = now


def _changed(**kwargs) -> None:
    invalidate()
    _local.dirty = connection.in_atomic_block
    # Other processes must rebuild from the committed rows, not before them.
    transaction.on_commit(invalidate)


_watched: set = set()


def _watch(model) -> None:
    if model in _watched:
        return
    _watched.add(model)
    uid = f"portal-reference-{model._meta.label_lower}"
    post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
    post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(
            _changed, sender=field.remote_field.through, dispatch_uid=uid + field.name
        )


def _flushed(**kwargs) -> None:
    # ``migrate`` and ``flush`` (between transactional tests) change rows
    # without model signals.
    reset()


post_migrate.connect(_flushed, dispatch_uid="portal-reference-migrate")
