"""Rate limits on what a visitor may do: counters in the cache, per fixed window.

In production the cache is Redis, shared by every web process; on embedded
defaults it is the process's memory, which is enough for ``make run``.
"""

import hashlib
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """Return the visitor's IP address.

    Behind ``TRUSTED_PROXY_COUNT`` proxies the address is taken from
    X-Forwarded-For, counted from the right: the left part can be forged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def period_display(seconds: int) -> str:
    """Say a limit's period in words: "10 minutes", "1 hour", "24 hours"."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, round(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {
        "count": minutes
    }


def _key(scope: str, who: str, period: int) -> str:
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    window = int(time.time() // period)
    return f"throttle:{scope}:{digest}:{window}"


# One round trip, atomic: mark the one-time token when there is one (a token
# seen before counts nothing: nil), then count each key, its window starting
# with its first count.
COUNT_SCRIPT = """
local period = tonumber(ARGV[1])
local first = 1
if ARGV[2] == '1' then
  if not redis.call('SET', KEYS[1], 1, 'EX', period, 'NX') then
    return false
  end
  first = 2
end
local counts = {}
for i = first, #KEYS do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then
    redis.call('EXPIRE', KEYS[i], period)
  end
  counts[#counts + 1] = count
end
return counts
"""


def _redis_count(client, keys: list[str], period: int, *, token: bool):
    """Run COUNT_SCRIPT (by its hash; redis-py loads it when Redis lacks it)."""
    script = client.register_script(COUNT_SCRIPT)
    return script(keys=keys, args=[period, "1" if token else "0"])


def throttle_counts(keys: list[tuple[str, str]], *, period: int) -> list[int]:
    """Count one more attempt for each (scope, who); return the totals.

    On Redis all counters move in one round trip; a count that cannot be
    made (Redis unreachable, logged) is 0, so limits wait for Redis to return.
    """
    names = [_key(scope, who, period) for scope, who in keys]
    client = _redis_client()
    if client is None:
        return [_count(name, period) for name in names]
    make_key = cache.client.make_key
    try:
        return _redis_count(
            client, [make_key(name) for name in names], period, token=False
        )
    except RedisError:
        logger.warning("rate limits not counted: Redis is unreachable", exc_info=True)
        return [0] * len(names)


def throttle_counts_once(
    token: str, keys: list[tuple[str, str]], *, period: int
) -> list[int] | None:
    """Count as ``throttle_counts`` does, once per ``token`` in ``period``.

    The token (a form's one-time key) is marked and the counters move in one
    round trip; a token seen before counts nothing and gives None. Unlike a
    counter, the mark is dropped by ``cache.delete(token)``.
    """
    names = [_key(scope, who, period) for scope, who in keys]
    client = _redis_client()
    if client is None:
        if cache.add(token, 1, timeout=period) is False:
            return None
        return [_count(name, period) for name in names]
    make_key = cache.client.make_key
    try:
        return _redis_count(
            client,
            [make_key(token), *(make_key(name) for name in names)],
            period,
            token=True,
        )
    except RedisError:
        logger.warning("rate limits not counted: Redis is unreachable", exc_info=True)
        return [0] * len(names)


def _redis_client():
    get_client = getattr(getattr(cache, "client", None), "get_client", None)
    return get_client(write=True) if get_client is not None else None


def throttle_count(*, scope: str, who: str, period: int) -> int:
    """Count one more attempt of ``who`` in the current window; return the total."""
    return throttle_counts([(scope, who)], period=period)[0]


def _count(key: str, period: int) -> int:
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        return 1
    # None: the cache is unreachable (logged by the cache); limits wait for it.
    return count if count is not None else 0


def throttle_hit(*, scope: str, who: str, limit: int, period: int) -> bool:
    """Count one attempt; say whether it is within the limit.

    The count that the cache returns decides, so parallel requests cannot all
    slip under the limit between a check and a count.
    """
    return throttle_count(scope=scope, who=who, period=period) <= limit


def throttle_exceeded(*, scope: str, who: str, limit: int, period: int) -> bool:
    """Say whether ``who`` has already made ``limit`` attempts in the window."""
    return (cache.get(_key(scope, who, period)) or 0) >= limit
