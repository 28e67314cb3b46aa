"""Rate limits hold on the cache production uses (Redis), not only on local memory."""

import uuid

import pytest
import redis
from django.core.cache import cache
from rest_framework.test import APIClient

from opsbase.testing.api import token_client
from opsbase.testing.factories import PASSWORD

pytestmark = pytest.mark.serial  # Redis database 14

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_cache(settings):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"opsbase-sec-{uuid.uuid4().hex[:8]}",
        }
    }
    yield
    cache.clear()


def rates(settings, **changed):
    """Limits per hour: a slow machine must not let a minute's window run out mid-test."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changed},
    }


def test_anonymous_callers_hit_their_limit(db, redis_cache, settings):
    rates(settings, anon="3/hour")
    client = APIClient()

    statuses = [client.get("/api/schema/?format=json").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    stored = list(
        redis.Redis.from_url(REDIS_URL).scan_iter(f"*{settings.CACHES['default']['KEY_PREFIX']}*")
    )
    assert any(b"throttle_anon" in key for key in stored)  # the counter lives in Redis


def test_signed_in_callers_hit_theirs(world, redis_cache, settings):
    rates(settings, user="2/hour")
    client = token_client(world.members["user"])

    statuses = [client.get("/api/v1/me/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_the_token_sign_in_endpoint_has_its_own_tighter_limit(world, redis_cache, settings):
    rates(settings, auth_token="2/hour", anon="100/hour")
    body = {"email": world.members["user"].user.email, "password": PASSWORD, "tenant": "acme"}
    client = APIClient()

    statuses = [client.post("/api/v1/auth/token/", body).status_code for _ in range(3)]

    assert statuses == [201, 201, 429]


def test_the_default_rates_are_set(settings):
    limits = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(limits) >= {"anon", "user", "auth_token"}
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
