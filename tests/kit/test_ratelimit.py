"""The kit's rate limit: a window opened by its first hit, whatever the counting backend."""

import time

import pytest
from django.core.cache.backends.db import DatabaseCache

from opsbase.core.cache import counting_cache
from opsbase.kit.ratelimit import rate_limit_hit


@pytest.fixture(autouse=True)
def _fresh_counts(db):
    counting_cache().clear()
    yield
    counting_cache().clear()


def test_hits_over_the_limit_are_refused_per_key():
    hits = [rate_limit_hit("test", "10.0.0.1", 2, window=60) for _ in range(3)]

    assert hits == [True, True, False]
    assert rate_limit_hit("test", "10.0.0.2", 2, window=60) is True
    assert rate_limit_hit("other", "10.0.0.1", 2, window=60) is True


def test_the_window_ends_window_seconds_after_its_first_hit_however_hammered(monkeypatch):
    # Without a shared cache (the demo's, a single server's) the counts live in Django's
    # database cache, whose incr re-sets a key with its default timeout (300 s): the window
    # must not stretch with it.
    # The database cache keeps expiry times to the whole second (it drops the microseconds),
    # so a window of 3 s ends 2 to 3 s after its first hit: the five hits fit in it however
    # slow the machine, which a 1 s window (0 to 1 s) did not.
    monkeypatch.setattr("opsbase.core.cache._shared", False)
    assert isinstance(counting_cache(), DatabaseCache)
    counting_cache().clear()
    hits = [rate_limit_hit("test", "10.0.0.3", 2, window=3) for _ in range(5)]
    assert hits == [True, True, False, False, False]

    time.sleep(3.1)

    assert rate_limit_hit("test", "10.0.0.3", 2, window=3) is True
