"""Rate limits on what a visitor may do: counters in the cache, per fixed window.

In production the cache is Redis, shared by every web process; on embedded
defaults it is the process's memory, which is enough for ``make run``.
"""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext


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


def throttle_count(*, scope: str, who: str, period: int) -> int:
    """Count one more attempt of ``who`` in the current window; return the total."""
    key = _key(scope, who, period)
    cache.add(key, 0, timeout=period)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        return 1


def throttle_hit(*, scope: str, who: str, limit: int, period: int) -> bool:
    """Count one attempt; say whether it is within the limit.

    The count that the cache returns decides, so parallel requests cannot all
    slip under the limit between a check and a count.
    """
    return throttle_count(scope=scope, who=who, period=period) <= limit


def throttle_exceeded(*, scope: str, who: str, limit: int, period: int) -> bool:
    """Say whether ``who`` has already made ``limit`` attempts in the window."""
    return (cache.get(_key(scope, who, period)) or 0) >= limit
