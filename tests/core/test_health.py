import pytest
from django.test import override_settings

pytestmark = pytest.mark.serial  # Redis databases 14 and 15

REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
    }
}
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_live_answers_without_touching_anything(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_checks_database_and_cache(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]


@pytest.mark.django_db
@override_settings(CACHES=REDIS)
def test_ready_with_the_real_redis(client):
    assert client.get("/health/ready").status_code == 200


@pytest.mark.django_db
@override_settings(CACHES=DEAD_REDIS)
def test_ready_names_the_cache_when_it_is_down(client):
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert "Connection" in body["checks"]["cache"]["error"]
    assert body["checks"]["database"]["ok"]


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_ready_names_the_broker_when_it_is_configured_and_down(client):
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/14")
def test_ready_accepts_a_live_broker(client):
    assert client.get("/health/ready").json()["checks"]["broker"]["ok"]
