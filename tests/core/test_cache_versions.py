"""Versions read once per request (``versions_snapshot``), in one round trip when prefetched;
a write in the request is still seen by the request's next read."""

import pytest
from django.core.cache import cache

from opsbase.core.cache import (
    global_version,
    global_version_bump,
    stamped_get,
    stamped_set,
    tenant_cache_key,
    tenant_version,
    tenant_version_bump,
    versions_prefetch,
    versions_snapshot,
)

KEY = tenant_cache_key("version", 7)


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_inside_a_snapshot_a_version_is_read_once():
    with versions_snapshot():
        first = tenant_version(7)
        cache.set(KEY, "changed-elsewhere")  # another process's write, mid-request
        assert tenant_version(7) == first
    assert tenant_version(7) == "changed-elsewhere"  # the next request sees it


def test_outside_a_snapshot_every_read_asks_the_cache():
    first = tenant_version(7)
    cache.set(KEY, "changed-elsewhere")
    assert tenant_version(7) == "changed-elsewhere" != first


@pytest.mark.django_db
def test_a_write_in_the_block_is_seen_by_the_blocks_next_read():
    with versions_snapshot():
        before, auth = tenant_version(7), global_version("auth")
        tenant_version_bump(7)
        global_version_bump("auth")
        assert tenant_version(7) == cache.get(KEY) != before
        assert global_version("auth") != auth


def test_prefetched_versions_are_not_read_again():
    cache.set(KEY, "v1")
    cache.set("opsbase:auth:version", "a1")
    with versions_snapshot():
        versions_prefetch(tenants=[7], names=["auth"])
        assert tenant_version(7) == "v1"  # the auth version came with it
        cache.set(KEY, "v2")
        cache.set("opsbase:auth:version", "a2")
        assert (tenant_version(7), global_version("auth")) == ("v1", "a1")


def test_prefetched_versions_are_read_together_at_the_first_read_and_not_before(cache_reads):
    cache.set(KEY, "v1")
    cache.set("opsbase:auth:version", "a1")
    reads = cache_reads()
    with versions_snapshot():
        versions_prefetch(tenants=[7], names=["auth"], entries=["opsbase:test:entry"])
        assert reads.calls == []  # a request that reads no version (caches off) pays nothing
        assert global_version("auth") == "a1"
        assert tenant_version(7) == "v1"
    assert reads.calls == [("get_many", [KEY, "opsbase:auth:version", "opsbase:test:entry"])]


def test_a_version_missing_from_the_prefetch_is_made_on_first_read():
    with versions_snapshot():
        versions_prefetch(tenants=[7], names=["auth"])
        made = tenant_version(7)
        assert made == cache.get(KEY)


def test_prefetch_outside_a_snapshot_does_nothing():
    versions_prefetch(tenants=[7])
    cache.set(KEY, "v2")
    assert tenant_version(7) == "v2"


@pytest.mark.django_db
def test_a_stamped_entry_is_read_until_its_version_changes():
    value, version = stamped_get("opsbase:test:entry", "auth")
    assert value is None
    stamped_set("opsbase:test:entry", version, ["kept"], 60)
    assert stamped_get("opsbase:test:entry", "auth") == (["kept"], version)

    global_version_bump("auth")

    assert stamped_get("opsbase:test:entry", "auth")[0] is None


def test_a_value_computed_before_a_write_is_stale_at_once():
    _, version = stamped_get("opsbase:test:entry", "auth")
    cache.set("opsbase:auth:version", "written-meanwhile")
    stamped_set("opsbase:test:entry", version, ["stale"], 60)

    assert stamped_get("opsbase:test:entry", "auth")[0] is None


def test_a_prefetched_entry_comes_with_the_versions():
    _, version = stamped_get("opsbase:test:entry", "auth")
    stamped_set("opsbase:test:entry", version, ["kept"], 60)
    with versions_snapshot():
        versions_prefetch(names=["auth"], entries=["opsbase:test:entry"])
        global_version("auth")  # the first read brings the entry along
        cache.delete("opsbase:test:entry")
        assert stamped_get("opsbase:test:entry", "auth")[0] == ["kept"]
        assert stamped_get("opsbase:test:entry", "auth")[0] is None  # read once


def test_a_stamped_entry_and_its_version_come_in_one_round_trip(cache_reads):
    _, version = stamped_get("opsbase:test:entry", "auth")  # the version exists from here on
    stamped_set("opsbase:test:entry", version, ["kept"], 60)
    reads = cache_reads()

    assert stamped_get("opsbase:test:entry", "auth") == (["kept"], version)
    with versions_snapshot():
        assert stamped_get("opsbase:test:entry", "auth") == (["kept"], version)
        # The snapshot now holds the version: the next entry costs its own read only.
        assert stamped_get("opsbase:test:other", "auth") == (None, version)

    assert reads.calls == [
        ("get_many", ["opsbase:auth:version", "opsbase:test:entry"]),
        ("get_many", ["opsbase:auth:version", "opsbase:test:entry"]),
        ("get", ["opsbase:test:other"]),
    ]


def test_a_stamped_read_with_the_cache_down_answers_a_miss_without_a_version(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "get_many", down)
    assert stamped_get("opsbase:test:entry", "auth") == (None, None)
