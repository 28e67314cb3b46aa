import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Failed-login counters live in the cache in tests: start and end every test at zero."""
    cache.clear()
    yield
    cache.clear()
