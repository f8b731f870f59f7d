"""The Redis broker transport, with one Redis client per channel.

kombu's Redis channel builds a new ``redis.Redis`` client for every message it
publishes (and every queue it sizes), around the same connection pool; making
one costs more than the LPUSH it sends. This channel keeps the client it made
for as long as the channel uses the same pool. ``redis.Redis`` takes a
connection from the pool for each command, so sharing it is safe.

Registered for ``redis://`` and ``rediss://`` broker URLs by ``portal.celery``.
"""

from kombu.transport import TRANSPORT_ALIASES, redis


class Channel(redis.Channel):
    _kept_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:
            return super()._create_client(asynchronous=True)
        pool = self.pool
        kept = self._kept_client
        if kept is None or kept.connection_pool is not pool:
            kept = self._kept_client = super()._create_client()
        return kept


class Transport(redis.Transport):
    Channel = Channel


def transport_register() -> None:
    """Use this transport for redis:// and rediss:// broker URLs."""
    for scheme in ("redis", "rediss"):
        TRANSPORT_ALIASES[scheme] = "portal.broker:Transport"
