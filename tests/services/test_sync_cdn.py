"""`manage.py sync_cdn` against a real S3 server on loopback (moto): every collected static
file uploaded once, then nothing until a file changes."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from opsbase.conf.settings import storage_config

from .conftest import objects


@pytest.fixture
def project(bucket_env, settings, tmp_path):
    """Settings of a deployed project whose bucket is the test's, with its own folders."""
    for key, value in storage_config(deployed=True).items():
        setattr(settings, key, value)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return bucket_env


def sync_cdn(*args: str) -> str:
    out = io.StringIO()
    call_command("sync_cdn", *args, stdout=out)
    return out.getvalue()


def collected(settings) -> set[str]:
    root = settings.STATIC_ROOT
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_every_collected_static_file_is_uploaded_once_then_nothing(project, settings):
    call_command("collectstatic", "--noinput", verbosity=0)
    settings.WHITENOISE_MAX_AGE = 60
    files = collected(settings)

    first = sync_cdn("--only", "static")
    second = sync_cdn("--only", "static")

    stored = objects(project, "static/")
    assert set(stored) == {f"static/{name}" for name in files}
    assert f"uploaded {len(files)} file(s)" in first
    assert (
        f"uploaded 0 file(s) (0 bytes) to bucket {project.name}; {len(files)} unchanged" in second
    )
    # Names with a content hash never change: a year; the others a minute.
    hashed = next(key for key in stored if HASHED_CSS.search(key))
    plain = HASHED_CSS.sub(".css", hashed)
    assert stored[hashed]["CacheControl"] == "public, max-age=31536000, immutable"
    assert stored[hashed]["ContentType"] == "text/css"
    assert stored[plain]["CacheControl"] == "public, max-age=60"
    assert stored["static/staticfiles.json"]["CacheControl"] == "public, max-age=60"


HASHED_CSS = re.compile(r"\.[0-9a-f]{12}\.css$")


def test_only_a_changed_upload_is_sent_again_and_dry_run_only_lists_it(project, settings):
    media = settings.MEDIA_ROOT
    (media / "logos").mkdir()
    (media / "logos" / "acme.png").write_bytes(b"acme v1")
    (media / "manual.pdf").write_bytes(b"%PDF manual")
    sync_cdn("--only", "media")
    (media / "logos" / "acme.png").write_bytes(b"acme v2, larger")

    listed = sync_cdn("--only", "media", "--dry-run")
    still = objects(project, "media/")
    sent = sync_cdn("--only", "media")

    assert "would upload media/logos/acme.png (changed, 15 bytes" in listed
    assert "manual.pdf" not in listed
    assert "would upload 1 file(s) (15 bytes)" in listed
    assert still["media/logos/acme.png"]["ContentLength"] == len(b"acme v1")
    assert "uploaded 1 file(s) (15 bytes)" in sent and "1 unchanged" in sent
    after = objects(project, "media/")
    assert after["media/logos/acme.png"]["ContentLength"] == len(b"acme v2, larger")
    assert after["media/manual.pdf"]["CacheControl"] == "private, max-age=3600"


def test_an_object_changed_behind_the_syncs_back_is_replaced(project, settings):
    (settings.MEDIA_ROOT / "a.txt").write_bytes(b"ours")
    sync_cdn("--only", "media")
    project.client().put_object(Bucket=project.name, Key="media/a.txt", Body=b"theirs")

    again = sync_cdn("--only", "media")

    assert "uploaded 1 file(s)" in again
    body = project.client().get_object(Bucket=project.name, Key="media/a.txt")["Body"].read()
    assert body == b"ours"


def test_without_a_bucket_it_says_which_variable_to_set(settings):
    settings.AWS_STORAGE_BUCKET_NAME = None

    with pytest.raises(CommandError) as stopped:
        sync_cdn()

    assert "AWS_STORAGE_BUCKET_NAME is not set" in str(stopped.value)
    assert stopped.value.returncode == 2


def test_a_bucket_that_does_not_exist_is_named_with_the_fix(project, settings):
    settings.AWS_STORAGE_BUCKET_NAME = "opsbase-no-such-bucket"
    (settings.MEDIA_ROOT / "a.txt").write_bytes(b"x")

    with pytest.raises(CommandError) as stopped:
        sync_cdn("--only", "media")

    message = str(stopped.value)
    assert "'opsbase-no-such-bucket'" in message and "NoSuchBucket" in message
    assert "create the bucket" in message


def test_static_files_not_collected_yet_are_named(project):
    with pytest.raises(CommandError) as stopped:
        sync_cdn("--only", "static")

    assert "run `manage.py collectstatic` first" in str(stopped.value)
