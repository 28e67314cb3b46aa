"""Storage: local files by default; a bucket of any S3-compatible store when the environment
names one, tested against a real S3 server on loopback (moto)."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

import django
import pytest
from django.core.files.storage import storages

from opsbase.conf import ConfigError
from opsbase.conf.settings import storage_config
from opsbase.services import storage

from .conftest import objects


@pytest.fixture
def no_bucket(monkeypatch):
    for name in (
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "OPSBASE_MEDIA_STORAGE",
        "OPSBASE_STATIC_STORAGE",
        "OPSBASE_CDN_URL",
    ):
        monkeypatch.delenv(name, raising=False)


def apply(settings, config):
    """The settings a project built from this environment would have."""
    for key, value in config.items():
        setattr(settings, key, value)
    if django.VERSION < (5, 0) and "STORAGES" in config:
        # Django 4.2's override of STORAGES mirrors each backend into DEFAULT_FILE_STORAGE,
        # which then wins without its OPTIONS (a project's settings module is not affected):
        # hand the storage handler the table as a settings module would.
        storages.__dict__["backends"] = dict(config["STORAGES"])


def test_files_stay_on_local_disk_when_no_bucket_is_named(no_bucket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    apply(settings, storage_config())

    name = storage.save("notes/hello.txt", b"hello")

    assert not storage.is_remote()
    assert (tmp_path / name).read_bytes() == b"hello"
    assert storage.url(name) == f"/media/{name}"


def test_uploads_go_to_the_bucket_private_behind_signed_links(bucket_env, settings):
    apply(settings, storage_config())

    name = storage.save("reports/q1.pdf", b"%PDF-1.7 quarterly")

    assert storage.is_remote()
    stored = objects(bucket_env, "media/")
    assert list(stored) == [f"media/{name}"]
    link = storage.url(name)
    assert link.startswith(f"{bucket_env.endpoint_url}/{bucket_env.name}/media/reports/q1")
    assert "X-Amz-Signature=" in link
    with urllib.request.urlopen(link, timeout=10) as answer:  # noqa: S310 - loopback moto
        assert answer.read() == b"%PDF-1.7 quarterly"
    unsigned = link.split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)  # noqa: S310
    assert refused.value.code == 403


def test_an_upload_never_overwrites_another_of_the_same_name(bucket_env, settings):
    apply(settings, storage_config())

    first = storage.save("logo.png", b"first")
    second = storage.save("logo.png", b"second")

    assert first != second
    assert set(objects(bucket_env, "media/")) == {f"media/{first}", f"media/{second}"}


def test_static_files_can_live_in_the_bucket_behind_the_cdn_host(bucket_env, settings, monkeypatch):
    monkeypatch.setenv("OPSBASE_STATIC_STORAGE", "s3")
    monkeypatch.setenv("OPSBASE_CDN_URL", "https://cdn.shop.example.com")
    apply(settings, storage_config(deployed=True))

    static = storage.static_storage()
    static.save("site/app.css", storage_content(b"body{}"))

    assert storage.is_remote(static)
    assert "static/site/app.css" in objects(bucket_env, "static/")
    static.manifest_strict = False  # no collectstatic ran: hash the stored file itself
    link = urlsplit(static.url("site/app.css"))
    assert link.netloc == "cdn.shop.example.com"
    assert link.path.startswith("/static/site/app.") and link.path.endswith(".css")


def storage_content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)


def test_collected_static_files_are_served_from_the_cdn_url(no_bucket, monkeypatch):
    monkeypatch.setenv("OPSBASE_CDN_URL", "https://cdn.shop.example.com/")

    config = storage_config(deployed=True)

    assert config["STATIC_URL"] == "https://cdn.shop.example.com/static/"
    assert config["STORAGES"]["staticfiles"]["BACKEND"].startswith("whitenoise.")


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("OPSBASE_STATIC_STORAGE", "s3", "no bucket is named"),
        ("OPSBASE_MEDIA_STORAGE", "s3", "no bucket is named"),
        ("OPSBASE_MEDIA_STORAGE", "ftp", "use one of local, s3"),
        ("OPSBASE_CDN_URL", "cdn.example.com", "expected one of https, http"),
    ],
)
def test_a_storage_setting_that_cannot_work_is_named(
    no_bucket, monkeypatch, variable, value, words
):
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as stopped:
        storage_config()

    assert variable in str(stopped.value) and words in str(stopped.value)


def test_the_cdn_host_is_trusted_for_the_apps_own_assets(no_bucket, monkeypatch, tmp_path):
    from opsbase.conf import build_settings

    monkeypatch.setenv("OPSBASE_CDN_URL", "https://cdn.shop.example.com")

    policy = build_settings(tmp_path, "test")["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]

    for directive in ("script-src", "style-src", "img-src", "font-src"):
        assert policy[directive] == [*policy[directive][:-1], "https://cdn.shop.example.com"]
    assert policy["connect-src"] == ["'self'"]
