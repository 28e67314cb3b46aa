"""A per-key rate limit over the shared cache: ``rate_limit_hit("leads.form", ip, 30, 60)``.

The window opens at the first hit and lasts *window* seconds; every hit in it is counted, the
refused ones too, so hammering does not open a new window. The count lives where every
worker process reads it (``opsbase.core.cache.counting_cache``): the cache when it is shared
(Redis), else a table of the database, so the limit is the site's with any number of workers.
"""

from __future__ import annotations

import time

from opsbase.core.cache import counting_cache

__all__ = ["rate_limit_hit"]


def rate_limit_hit(scope: str, key: str, limit: int, window: int = 60) -> bool:
    """Count one hit of *key* in *scope*; whether it is within *limit* hits per *window*."""
    name = f"opsbase:rate:{scope}:{key}"
    cache = counting_cache()
    # The window is a key that is only ever added, so it ends *window* seconds after its first
    # hit; the hits are counted on a second key named after it. Counting on the window's key
    # itself would stretch it on backends whose ``incr`` re-sets the key with their default
    # timeout (Django's database cache: 300 s from the last hit, the refused ones included).
    opened = time.time_ns()
    if not cache.add(name, opened, timeout=window):
        opened = cache.get(name, opened)
    counter = f"{name}:{opened}"
    cache.add(counter, 0, timeout=window)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr: a new window
        cache.add(counter, 1, timeout=window)
        count = 1
    return count <= limit
