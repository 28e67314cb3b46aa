"""A per-key rate limit over the shared cache: ``rate_limit_hit("leads.form", ip, 30, 60)``.

The window opens at the first hit and lasts *window* seconds; every hit in it is counted, the
refused ones too, so hammering does not open a new window. The count lives where every
worker process reads it (``opsbase.core.cache.counting_cache``): the cache when it is shared
(Redis), else a table of the database, so the limit is the site's with any number of workers.
"""

from __future__ import annotations

from opsbase.core.cache import counting_cache

__all__ = ["rate_limit_hit"]


def rate_limit_hit(scope: str, key: str, limit: int, window: int = 60) -> bool:
    """Count one hit of *key* in *scope*; whether it is within *limit* hits per *window*."""
    name = f"opsbase:rate:{scope}:{key}"
    cache = counting_cache()
    cache.add(name, 0, timeout=window)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr: a new window
        cache.add(name, 1, timeout=window)
        count = 1
    return count <= limit
