"""Sign-in limits that neither letter case nor a forged X-Forwarded-For sidesteps.

The web form and the API token endpoint share one lockout (django-axes, in the database):
per account (the normalized e-mail: trimmed, case-folded) and client address, plus a much
higher ceiling per address. The client address is what ``OPSBASE_TRUSTED_PROXIES`` says it
is, for the lockout, the throttles, the audit and the logs alike.
"""

import pytest
from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.test import Client
from rest_framework.request import Request
from rest_framework.test import APIClient

from opsbase.api.models import ApiToken
from opsbase.api.throttling import AnonRateThrottle
from opsbase.core.middleware import client_ip
from opsbase.kernel.audit.models import AuditEvent
from opsbase.testing.factories import PASSWORD, UserFactory

TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
NGINX = "127.0.0.1"


def api_sign_in(email, password=PASSWORD, *, address=None, forwarded=None):
    extra = {"REMOTE_ADDR": address or NGINX}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    body = {"email": email, "password": password, "tenant": "acme"}
    return APIClient().post(TOKEN, body, format="json", **extra)


def page_sign_in(email, password=PASSWORD, *, forwarded=None):
    extra = {"REMOTE_ADDR": NGINX}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client(**extra).post(LOGIN, {"username": email, "password": password})


@pytest.fixture(autouse=True)
def lockout_not_throttle(settings):
    """The sign-in throttle (10/min per address) out of the way: these tests are about the
    lockout, and a 429 must be the lockout's (``locked_out``)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth_token": "1000/minute",
        },
    }


def locked_out(response) -> bool:
    return response.status_code == 429 and response.json()["error"]["code"] == "locked_out"


@pytest.fixture
def owner(world):
    return world.members["user"].user


# -- the normalized identity -------------------------------------------------------------------


@pytest.mark.parametrize("variant", [str.upper, str.title, lambda e: f"  {e.upper()} "])
def test_a_locked_account_stays_locked_in_any_letter_case_on_the_api(owner, settings, variant):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_sign_in(owner.email, "wrong password")

    response = api_sign_in(variant(owner.email))

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert not ApiToken.objects.unscoped().exists()


def test_failures_in_mixed_case_count_as_one_account_across_page_and_api(owner, settings):
    limit = settings.AXES_FAILURE_LIMIT
    variants = [owner.email.upper(), owner.email.title(), f" {owner.email} "]
    for n in range(limit):
        if n % 2:
            page_sign_in(variants[n % len(variants)], "wrong password")
        else:
            api_sign_in(variants[n % len(variants)], "wrong password")

    assert locked_out(api_sign_in(owner.email))
    assert page_sign_in(owner.email.upper()).status_code == 429


# -- the client address --------------------------------------------------------------------------


def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(owner, settings):
    settings.OPSBASE_TRUSTED_PROXIES = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        api_sign_in(owner.email, "wrong password", forwarded=f"198.51.100.{n}")

    assert locked_out(api_sign_in(owner.email, forwarded="192.0.2.77"))


def test_without_a_trusted_proxy_a_forged_forwarded_for_earns_no_new_sign_in_allowance(
    world, settings
):
    settings.OPSBASE_TRUSTED_PROXIES = 0
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth_token": "3/minute",
        },
    }
    cache.clear()  # the counters of earlier tests' sign-ins from the same address
    email = world.members["admin"].user.email
    statuses = [api_sign_in(email, forwarded=f"203.0.113.{n}").status_code for n in range(6)]

    assert statuses == [201, 201, 201, 429, 429, 429]


def test_failures_through_one_forwarded_address_do_not_lock_the_owner_out_elsewhere(
    owner, settings
):
    settings.OPSBASE_TRUSTED_PROXIES = 1  # nginx in front, setting X-Forwarded-For
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_sign_in(owner.email, "wrong password", forwarded="203.0.113.66")

    assert locked_out(api_sign_in(owner.email, forwarded="203.0.113.66"))
    assert api_sign_in(owner.email, forwarded="198.51.100.20").status_code == 201
    assert page_sign_in(owner.email, forwarded="198.51.100.20").status_code == 302


def test_one_address_trying_many_accounts_hits_the_address_ceiling(world, settings):
    settings.OPSBASE_TRUSTED_PROXIES = 1
    settings.OPSBASE_LOGIN_ADDRESS_FAILURE_LIMIT = 12
    victims = [UserFactory() for _ in range(6)]
    for user in victims:
        for _ in range(2):  # under the per-account limit for each
            api_sign_in(user.email, "wrong password", forwarded="203.0.113.99")

    owner = world.members["admin"].user
    from_attacker = api_sign_in(owner.email, forwarded="203.0.113.99")
    from_owner = api_sign_in(owner.email, forwarded="198.51.100.3")

    assert locked_out(from_attacker)
    assert from_owner.status_code == 201


def test_under_the_address_ceiling_other_accounts_still_sign_in(world, settings):
    settings.OPSBASE_TRUSTED_PROXIES = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_sign_in(world.members["user"].user.email, "wrong", forwarded="203.0.113.5")

    assert (
        api_sign_in(world.members["admin"].user.email, forwarded="203.0.113.5").status_code == 201
    )


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.9", NGINX),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # nginx replaces it; another proxy appends
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", NGINX),  # fewer hops than trusted: nothing in the header counts
    ],
)
def test_one_function_tells_the_client_address(rf, settings, trusted, forwarded, expected):
    settings.OPSBASE_TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_lockout_the_throttles_and_the_audit_see_the_same_address(rf, world, settings):
    settings.OPSBASE_TRUSTED_PROXIES = 1
    raw = rf.post(TOKEN, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.40")

    assert get_client_ip_address(raw) == "203.0.113.40"
    assert AnonRateThrottle().get_ident(Request(raw)) == "203.0.113.40"
    api_sign_in(world.members["user"].user.email, forwarded="203.0.113.40")
    event = AuditEvent.objects.for_tenant(world.home).get(action="api_token.create")
    assert event.ip == "203.0.113.40"


def test_without_a_shared_cache_the_sign_in_limit_is_counted_for_every_process(world, settings):
    settings.OPSBASE_CACHE_SHARED = False  # local memory: one cache per gunicorn worker
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth_token": "3/minute",
        },
    }
    email = world.members["admin"].user.email
    statuses = []
    for _ in range(6):
        statuses.append(api_sign_in(email).status_code)
        cache.clear()  # as if the next request were served by another worker

    assert statuses == [201, 201, 201, 429, 429, 429]
