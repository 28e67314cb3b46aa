import pytest
from django.core.cache import cache
from django.test import override_settings

from opsbase.core.cache import tenant_cache, tenant_cache_key
from opsbase.core.context import tenant_context
from opsbase.core.exceptions import TenantScopeRequired

pytestmark = pytest.mark.serial  # Redis database 15

REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": "opsbase-test",
    }
}


def test_a_key_without_a_tenant_is_refused():
    with pytest.raises(TenantScopeRequired, match="dashboard"):
        tenant_cache_key("dashboard")


@override_settings(CACHES=REDIS)
def test_two_tenants_never_read_each_others_values_in_redis():
    cache.clear()
    with tenant_context(1):
        tenant_cache.set("dashboard", {"open": 3})
    with tenant_context(2):
        assert tenant_cache.get("dashboard") is None
        tenant_cache.set("dashboard", {"open": 9})
    with tenant_context(1):
        assert tenant_cache.get("dashboard") == {"open": 3}
    assert tenant_cache.get("dashboard", tenant=2) == {"open": 9}
    tenant_cache.delete("dashboard", tenant=2)
    assert tenant_cache.get("dashboard", tenant=2) is None
