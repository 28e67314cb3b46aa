"""Static files in production: hashed names cached for a year, compressed variants served."""

import json

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client, override_settings

from opsbase.conf import build_settings

STYLESHEET = "opsbase/vendor/bootstrap/bootstrap.min.css"


def test_deployed_settings_serve_static_files_with_whitenoise(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 40 + "abcdefghij0123456789")
    monkeypatch.setenv("ALLOWED_HOSTS", "example.com")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/x")

    s = build_settings(tmp_path, "prod")

    assert s["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    middleware = s["MIDDLEWARE"]
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """Static files collected once with the deployed storage (compressing takes a while)."""
    root = tmp_path_factory.mktemp("static")
    storages = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    security = django_settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
    middleware = list(django_settings.MIDDLEWARE)
    middleware.insert(security + 1, "whitenoise.middleware.WhiteNoiseMiddleware")
    with override_settings(STATIC_ROOT=root, STORAGES=storages, DEBUG=False, MIDDLEWARE=middleware):
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
        yield django_settings.STATIC_URL + manifest[STYLESHEET]


def test_a_hashed_file_is_cached_for_a_year_and_sent_compressed(collected):
    response = Client().get(collected, HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]


def test_a_name_without_hash_is_cached_briefly(collected):
    response = Client().get(django_settings.STATIC_URL + STYLESHEET)

    assert response.status_code == 200
    assert "max-age=60" in response["Cache-Control"]
