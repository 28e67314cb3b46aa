"""Every answer carries the browser-side protections; deployed settings harden cookies."""

import re
from pathlib import Path

import pytest
from django.test import Client

from opsbase.conf import build_settings
from opsbase.testing.matrix import session_client

GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"


@pytest.fixture
def prod_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("ALLOWED_HOSTS", "ops.example.com")
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.internal:5432/app")
    for name in ("DEBUG", "SENTRY_DSN", "SECURE_HSTS_SECONDS", "OPSBASE_ADMIN_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/schema/", "/health/live"])
def test_every_answer_carries_the_security_headers(db, url):
    response = Client().get(url)

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy
    assert "fullscreen=(self)" in policy


def test_the_content_security_policy_allows_no_inline_code(db):
    csp = Client().get("/accounts/login/")["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_a_signed_in_page_is_served_under_the_same_policy(world):
    response = session_client(world.members["user"]).get("/")

    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # No inline script or style in what was actually rendered either.
    html = response.content.decode()
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert re.search(r"""\sstyle\s*=\s*["']""", html) is None


def test_hsts_is_sent_over_https_when_configured(db, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = Client().get("/health/live", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


def test_deployed_settings_harden_cookies_and_transport(prod_env, tmp_path):
    s = build_settings(tmp_path, "prod")

    assert s["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert s["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"]
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 3600
    assert s["X_FRAME_OPTIONS"] == "DENY"


def test_host_prefixed_cookies_are_set_as_browsers_require(world, settings):
    """A ``__Host-`` cookie is dropped by browsers unless Secure, Path=/ and without Domain."""
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client(enforce_csrf_checks=True)
    form = client.get("/accounts/login/", secure=True)
    csrf = form.cookies["__Host-csrftoken"]

    response = client.post(
        "/accounts/login/",
        {
            "username": world.members["user"].user.email,
            "password": "correct horse battery staple",
            "csrfmiddlewaretoken": csrf.value,
        },
        secure=True,
        # Over HTTPS, Django's CSRF check also wants a same-origin Referer.
        HTTP_REFERER="https://testserver/accounts/login/",
    )

    assert response.status_code == 302
    for name in ("__Host-sessionid", "__Host-csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"], name


def test_prod_uploads_and_request_bodies_are_bounded(prod_env, tmp_path):
    s = build_settings(tmp_path, "prod")

    assert s["DATA_UPLOAD_MAX_MEMORY_SIZE"] <= 5 * 1024 * 1024
    assert s["FILE_UPLOAD_MAX_MEMORY_SIZE"] <= 5 * 1024 * 1024
    assert s["DATA_UPLOAD_MAX_NUMBER_FILES"] <= 100
    assert s["OPSBASE_UPLOAD_MAX_SIZE"] == 10 * 1024 * 1024


def test_an_oversized_api_body_is_refused_not_crashed(world, settings):
    from opsbase.testing.api import token_client

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = token_client(world.members["admin"])

    response = client.post("/api/v1/tokens/", {"name": "x" * 5000}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_password_validators_refuse_short_and_common_passwords(world, settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = world.members["user"].user
    for weak in ("short-pw1", "password1234", "12345678901"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("a long and unusual passphrase", user)


def test_templates_hold_no_javascript_urls():
    import opsbase

    src = Path(opsbase.__file__).parent
    templates = [p for p in src.rglob("*.html") if "templates" in p.parts]
    offenders = [
        str(p.relative_to(src))
        for p in templates
        if re.search(r"""(href|src|action)\s*=\s*["']\s*javascript:""", p.read_text(), re.I)
    ]

    assert templates and offenders == []


@pytest.mark.parametrize(
    "path", ["/", "/tasks/", "/tasks/?format=csv", "/org/audit/export/", "/api/v1/me/"]
)
def test_signed_in_answers_are_kept_by_no_shared_cache(world, path):
    client = session_client(world.members["admin"])

    response = client.get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_token_answers_are_kept_by_no_shared_cache(world):
    from opsbase.testing.api import token_client

    response = token_client(world.members["user"]).get("/api/v1/tasks/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_answer_that_sets_its_own_caching_is_made_private(world):
    client = session_client(world.members["admin"])

    response = client.get("/api/tokens/new/")  # never_cache

    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_anonymous_public_answers_are_left_as_they_were(db, path):
    response = Client().get(path)

    assert "private" not in response.get("Cache-Control", "")
