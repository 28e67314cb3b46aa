"""The dashboard's task counts: kept in Redis per tenant and scope, renewed by every write."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.tasks.services import task_create, task_transition
from opsbase.testing.matrix import session_client

pytestmark = pytest.mark.serial  # Redis database 5

REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/5",
        "KEY_PREFIX": "opsbase-perf-test",
    }
}


@pytest.fixture
def redis_cache(settings):
    from axes.handlers.proxy import AxesProxyHandler

    # django-axes keeps the cache it first meets: let it meet the tests' own, not this Redis.
    AxesProxyHandler.get_implementation()
    settings.CACHES = REDIS
    cache.clear()
    yield
    cache.clear()


def _counts(client) -> list[int]:
    html = client.get(reverse("web:home")).content.decode()
    card = html[html.index('data-testid="dashboard-card-tasks"') :]
    return [int(n) for n in re.findall(r'data-testid="count">(\d+)<', card)[:3]]


def _task(member, title="Check the pumps", **fields):
    return task_create(membership=member, title=title, notify=False, **fields)


def test_the_counts_follow_every_write(redis_cache, world):
    admin = world.members[RoleKind.ADMIN]
    client = session_client(admin)
    assert _counts(client) == [0, 0, 0]  # open, overdue, done

    task = _task(admin)
    assert _counts(client) == [1, 0, 0]

    task_transition(membership=admin, task=task, transition="complete")
    assert _counts(client) == [0, 0, 1]


def test_repeated_dashboards_read_the_counts_from_redis(redis_cache, world):
    client = session_client(world.members[RoleKind.ADMIN])
    _task(world.members[RoleKind.ADMIN])
    client.get(reverse("web:home"))

    with CaptureQueriesContext(connection) as queries:
        assert _counts(client) == [1, 0, 0]

    assert not [q for q in queries if "tasks_task" in q["sql"]]


def test_each_tenant_and_member_sees_its_own_counts(redis_cache, world):
    home_admin, away_admin = world.members[RoleKind.ADMIN], world.away_members[RoleKind.ADMIN]
    user = world.members[RoleKind.USER]
    _task(home_admin)
    _task(home_admin, title="Order filters")
    _task(user)
    _task(away_admin)
    clients = {m.pk: session_client(m) for m in (home_admin, away_admin, user)}
    for _ in range(2):  # the second round is answered from Redis
        assert _counts(clients[home_admin.pk]) == [3, 0, 0]
        assert _counts(clients[away_admin.pk]) == [1, 0, 0]
        assert _counts(clients[user.pk]) == [1, 0, 0]

    _task(away_admin, title="Ship the order")

    assert _counts(clients[away_admin.pk]) == [2, 0, 0]
    assert _counts(clients[home_admin.pk]) == [3, 0, 0]
