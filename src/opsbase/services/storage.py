"""Storage: where uploads (media) and collected static files live.

One interface whatever the backend: local files by default; S3, Cloudflare R2 or any
S3-compatible store through django-storages when ``AWS_STORAGE_BUCKET_NAME`` is set
(``opsbase.conf.settings.storage_config`` reads the environment; docs/cdn_config.md). Code
saves and links files through these functions (or Django's ``storages``), never through a
path on disk, so the same code runs on one server and on several behind a bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, storages


class StorageNotConfigured(Exception):
    """The operation needs a bucket and the settings name none."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} needs a bucket: set AWS_STORAGE_BUCKET_NAME (and AWS_S3_ENDPOINT_URL for "
            "R2 or another S3-compatible store); see docs/cdn_config.md"
        )


def media_storage() -> Storage:
    """The storage of uploads: a folder, or the bucket's media prefix."""
    return storages["default"]


def static_storage() -> Storage:
    """The storage ``collectstatic`` writes to."""
    return storages["staticfiles"]


def is_remote(storage: Storage | None = None) -> bool:
    """Whether *storage* (uploads by default) keeps its files in a bucket."""
    storage = storage or media_storage()
    return type(storage).__module__.startswith("storages.")


def save(name: str, content: bytes | IO[bytes], *, storage: Storage | None = None) -> str:
    """Store *content* under *name* (uploads by default); the name it was saved under, which
    differs when *name* was taken (files are never overwritten)."""
    storage = storage or media_storage()
    if isinstance(content, bytes):
        from django.core.files.base import ContentFile

        return storage.save(name, ContentFile(content))
    return storage.save(name, File(content))


def url(name: str, *, storage: Storage | None = None) -> str:
    """A link to the stored file *name*: a path under MEDIA_URL, or a signed bucket URL."""
    return (storage or media_storage()).url(name)


@dataclass(frozen=True)
class Bucket:
    """The bucket the settings name, as boto3 needs it."""

    name: str
    endpoint_url: str | None = None
    region: str | None = None
    addressing_style: str | None = None

    def client(self) -> Any:
        """A boto3 S3 client for the bucket (credentials from the environment or the role)."""
        import boto3
        from botocore.config import Config

        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": self.addressing_style} if self.addressing_style else {},
            retries={"max_attempts": 3, "mode": "standard"},
        )
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config
        )


def configured_bucket() -> Bucket:
    """The bucket of the settings, or StorageNotConfigured."""
    name = getattr(settings, "AWS_STORAGE_BUCKET_NAME", None)
    if not name:
        raise StorageNotConfigured("this")
    return Bucket(
        name=name,
        endpoint_url=getattr(settings, "AWS_S3_ENDPOINT_URL", None),
        region=getattr(settings, "AWS_S3_REGION_NAME", None),
        addressing_style=getattr(settings, "AWS_S3_ADDRESSING_STYLE", None),
    )
