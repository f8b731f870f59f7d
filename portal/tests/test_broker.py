"""The Redis broker transport: one Redis client per channel for publishing."""

import pytest
import redis

from portal.broker import Channel
from portal.celery import app as celery_app
from tickets.tasks import ticket_route_task

pytestmark = pytest.mark.services


def test_messages_reach_redis_through_one_client_per_channel(broker, require_redis):
    broker(require_redis)
    queue = redis.Redis.from_url(require_redis)
    queue.delete("routing")
    try:
        with celery_app.producer_or_acquire() as producer:
            channel = producer.channel
            assert isinstance(channel, Channel)
            ticket_route_task.apply_async(args=(0,), producer=producer)
            kept = channel._kept_client
            ticket_route_task.apply_async(args=(0,), producer=producer)

            assert kept is not None
            assert channel._kept_client is kept
        assert queue.llen("routing") == 2
    finally:
        queue.delete("routing")


def test_a_new_pool_gets_a_new_client(broker, require_redis):
    broker(require_redis)
    with celery_app.connection_for_write() as connection:
        channel = connection.default_channel
        first = channel._create_client()
        assert channel._create_client() is first
        channel._pool = None  # as after the channel lost its connection

        assert channel._create_client() is not first
        assert channel._create_client().connection_pool is channel.pool
