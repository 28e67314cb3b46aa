"""``opsbase.core.cache.RedisCache``: Django's Redis cache, one client per pool."""

import pytest
from django.core.cache import caches
from django.test import override_settings

pytestmark = pytest.mark.serial  # Redis database 6

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "redis": {
        "BACKEND": "opsbase.core.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/6",
        "KEY_PREFIX": "opsbase-test-backend",
    },
}


@pytest.fixture
def redis_cache():
    with override_settings(CACHES=CACHES):
        cache = caches["redis"]
        cache.clear()
        yield cache
        cache.clear()


def test_it_reads_and_writes_as_djangos_backend(redis_cache):
    redis_cache.set("a", {"open": 3})
    redis_cache.set_many({"b": 1, "c": [2]})
    assert redis_cache.add("a", "other") is False

    assert redis_cache.get("a") == {"open": 3}
    assert redis_cache.get_many(["a", "b", "c", "missing"]) == {"a": {"open": 3}, "b": 1, "c": [2]}
    redis_cache.delete("a")
    assert redis_cache.get("a", "gone") == "gone"


def test_every_call_reuses_one_client(redis_cache):
    client = redis_cache._cache

    assert client.get_client("a") is client.get_client("b")
    assert client.get_client("a", write=True) is client.get_client("b", write=True)
