"""CDN: the collected static files and the uploads copied to the S3-compatible bucket a CDN
serves (``manage.py sync_cdn``).

Each file is compared by content with the object of the same key: its MD5 against the
object's ETag (what S3, R2 and MinIO answer for a single-part upload, listed in one request
per thousand objects), else against the SHA-256 kept in the object's metadata. Only new and
changed files are uploaded, so a second run uploads nothing. Files whose names carry a
content hash (``app.3f2a9c1b7d4e.css``, written by the manifest storage) never change under
their name: the CDN and browsers may keep them for a year.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .storage import Bucket

#: ``name.<12 hex digits>.ext``: Django's ManifestStaticFilesStorage (and whitenoise's).
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[^/]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
CHUNK = 1024 * 1024


class CdnSyncError(Exception):
    """The bucket could not be read or written; the message says why and what to do."""


@dataclass(frozen=True)
class Source:
    """A local folder copied under *prefix* of the bucket."""

    kind: str  # "static" or "media"
    root: Path
    prefix: str
    cache_control: str  # for names without a content hash


@dataclass(frozen=True)
class Upload:
    kind: str
    path: Path
    key: str
    size: int
    md5: str
    sha256: str
    cache_control: str
    content_type: str
    reason: str  # "new" or "changed"


@dataclass
class SyncReport:
    uploads: list[Upload] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False

    @property
    def uploaded_bytes(self) -> int:
        return sum(upload.size for upload in self.uploads)


def cache_control_for(key: str, default: str) -> str:
    """A year, immutable, for a content-hashed name; *default* for any other."""
    return IMMUTABLE if HASHED_NAME.search(key) else default


def file_digests(path: Path) -> tuple[str, str]:
    """The file's MD5 (hex, as an ETag) and SHA-256 (hex)."""
    md5 = hashlib.md5(usedforsecurity=False)
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            md5.update(chunk)
            sha.update(chunk)
    return md5.hexdigest(), sha.hexdigest()


def local_files(source: Source) -> Iterator[tuple[Path, str]]:
    """Each file under the source's folder with its key, in a stable order."""
    if not source.root.is_dir():
        return
    for path in sorted(source.root.rglob("*")):
        if path.is_file():
            relative = path.relative_to(source.root).as_posix()
            yield path, f"{source.prefix}/{relative}" if source.prefix else relative


def plan(bucket: Bucket, sources: Iterable[Source], *, client: Any = None) -> SyncReport:
    """What a sync would upload: every file new to the bucket or changed since."""
    client = client or bucket.client()
    report = SyncReport(dry_run=True)
    for source in sources:
        remote = _remote_etags(client, bucket, source.prefix)
        for path, key in local_files(source):
            md5, sha = file_digests(path)
            etag = remote.get(key)
            if etag is not None and _same(client, bucket, key, etag, md5, sha):
                report.unchanged += 1
                continue
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            report.uploads.append(
                Upload(
                    kind=source.kind,
                    path=path,
                    key=key,
                    size=path.stat().st_size,
                    md5=md5,
                    sha256=sha,
                    cache_control=cache_control_for(key, source.cache_control),
                    content_type=content_type,
                    reason="new" if etag is None else "changed",
                )
            )
    return report


def sync(
    bucket: Bucket,
    sources: Iterable[Source],
    *,
    dry_run: bool = False,
    client: Any = None,
    progress: Callable[[Upload], None] | None = None,
) -> SyncReport:
    """Upload every new or changed file of *sources* (nothing with *dry_run*)."""
    client = client or bucket.client()
    report = plan(bucket, sources, client=client)
    report.dry_run = dry_run
    if dry_run:
        return report
    for upload in report.uploads:
        with upload.path.open("rb") as body:
            _call(
                client.put_object,
                f"uploading {upload.key}",
                bucket,
                Bucket=bucket.name,
                Key=upload.key,
                Body=body,
                ContentType=upload.content_type,
                CacheControl=upload.cache_control,
                # The bucket refuses a body that arrived damaged.
                ContentMD5=base64.b64encode(bytes.fromhex(upload.md5)).decode(),
                Metadata={"sha256": upload.sha256},
            )
        if progress is not None:
            progress(upload)
    return report


def _remote_etags(client: Any, bucket: Bucket, prefix: str) -> dict[str, str]:
    etags: dict[str, str] = {}
    paginator = client.get_paginator("list_objects_v2")
    pages = paginator.paginate(Bucket=bucket.name, Prefix=f"{prefix}/" if prefix else "")
    for page in _call(lambda: list(pages), "listing the bucket", bucket):
        for item in page.get("Contents", ()):
            etags[item["Key"]] = item.get("ETag", "").strip('"')
    return etags


def _same(client: Any, bucket: Bucket, key: str, etag: str, md5: str, sha: str) -> bool:
    if etag == md5:
        return True
    if re.fullmatch(r"[0-9a-f]{32}", etag):
        return False  # a plain MD5 ETag that differs: the content changed
    # A multipart or encrypted object's ETag is no MD5: the hash this sync stored decides.
    head = _call(client.head_object, f"reading {key}", bucket, Bucket=bucket.name, Key=key)
    return bool(head.get("Metadata", {}).get("sha256") == sha)


def _call(function: Callable[..., Any], what: str, bucket: Bucket, **kwargs: Any) -> Any:
    """*function* with boto3's failures turned into one sentence naming the fix."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    where = f"bucket {bucket.name!r}" + (
        f" at {bucket.endpoint_url}" if bucket.endpoint_url else ""
    )
    try:
        return function(**kwargs)
    except NoCredentialsError:
        raise CdnSyncError(
            f"{what}: no credentials for {where}; set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (or give the machine a role)"
        ) from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "") or str(error)
        fix = {
            "NoSuchBucket": "create the bucket, or correct AWS_STORAGE_BUCKET_NAME",
            "AccessDenied": "give the key write access to the bucket (s3:PutObject, "
            "s3:ListBucket, s3:GetObject)",
            "InvalidAccessKeyId": "check AWS_ACCESS_KEY_ID",
            "SignatureDoesNotMatch": "check AWS_SECRET_ACCESS_KEY",
        }.get(code, "see docs/cdn_config.md")
        raise CdnSyncError(f"{what} in {where}: {code or 'error'}: {message}; {fix}") from None
    except BotoCoreError as error:
        raise CdnSyncError(
            f"{what} in {where}: {error}; check AWS_S3_ENDPOINT_URL and the network"
        ) from None
