import pytest

from opsbase.testing.matrix import build_world


@pytest.fixture
def world(db):
    """Acme and Globex, each with an Admin, a Manager and a User (plus a spare User in Acme)."""
    return build_world()


@pytest.fixture
def auth_cache(settings):
    """The token, session-user and membership caches on (the test settings turn them off),
    starting and ending empty."""
    from django.core.cache import cache

    settings.OPSBASE_AUTH_CACHE_TIMEOUT = 60
    cache.clear()
    yield
    cache.clear()
