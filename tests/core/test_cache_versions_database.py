"""Versions kept in the database, as with a per-process cache (local memory, the default of a
new project): read in one query per request, bumped when the write commits, so every
process's next request sees a write (tests/core/test_cache_workers.py runs it on gunicorn)."""

import pytest
from django.core.cache import cache
from django.db import transaction

from opsbase.core.cache import (
    cache_shared,
    global_version,
    global_version_bump,
    stamped_get,
    stamped_set,
    tenant_version,
    tenant_version_bump,
    versioned_key,
    versions_prefetch,
    versions_snapshot,
)
from opsbase.core.models import CacheVersion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def per_process_cache(settings):
    settings.OPSBASE_CACHE_SHARED = False
    cache.clear()
    yield
    cache.clear()


def stored(name: str) -> str:
    return CacheVersion.objects.get(name=name).version


def test_a_local_memory_cache_is_judged_per_process_and_redis_shared(settings):
    settings.OPSBASE_CACHE_SHARED = None
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert cache_shared() is False
    settings.CACHES = {
        "default": {"BACKEND": "opsbase.core.cache.RedisCache", "LOCATION": "redis://127.0.0.1"}
    }
    assert cache_shared() is True


def test_versions_live_in_the_database_not_in_the_cache():
    version = tenant_version(7)
    assert stored("t7:version") == version
    assert cache.get("t7:version") is None


def test_a_request_reads_its_versions_in_one_query(django_assert_num_queries):
    tenant_version(7), global_version("auth")  # made once, as on a first request
    with versions_snapshot(), django_assert_num_queries(1):
        versions_prefetch(tenants=[7], names=["auth"], entries=["opsbase:test:entry"])
        tenant_version(7)
        global_version("auth")
        stamped_get("opsbase:test:entry", "auth")


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_is_seen_by_every_later_read():
    before = tenant_version(7)
    with transaction.atomic():
        tenant_version_bump(7)
        assert stored("t7:version") == before  # others read the old one until the commit
    assert stored("t7:version") != before
    with versions_snapshot():  # another process's next request
        assert tenant_version(7) == stored("t7:version")


def test_a_rolled_back_write_changes_no_version(django_capture_on_commit_callbacks):
    before = global_version("auth")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                global_version_bump("auth")
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass
    assert callbacks == []
    assert stored("opsbase:auth:version") == before


def test_many_writes_in_one_transaction_bump_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(50):
            tenant_version_bump(7)
            global_version_bump("auth")
    assert len(callbacks) == 2


def test_the_writer_never_reads_or_keeps_answers_from_before_its_uncommitted_write():
    with versions_snapshot():
        value, version = stamped_get("opsbase:test:entry", "auth")
        stamped_set("opsbase:test:entry", version, "before the write", 60)
        assert stamped_get("opsbase:test:entry", "auth")[0] == "before the write"
        global_version_bump("auth")
        tenant_version_bump(7)
        value, version = stamped_get("opsbase:test:entry", "auth")
        assert value is None
        stamped_set("opsbase:test:entry", version, "written mid-transaction", 60)
        assert versioned_key("tasks:api", 7, "query") is None  # computed, not kept
    # Outside the request too, until the commit: nothing from before the write is read.
    assert stamped_get("opsbase:test:entry", "auth")[0] is None


@pytest.mark.django_db(transaction=True)
def test_a_write_made_before_a_version_was_ever_read_still_counts():
    with transaction.atomic():
        global_version_bump("auth")
    made = stored("opsbase:auth:version")
    assert global_version("auth") == made
