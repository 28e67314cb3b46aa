"""A real S3-compatible server (and Route53) on loopback: moto in server mode, one per run."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from opsbase.services.storage import Bucket
from tests.moto import moto_endpoint


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The endpoint URL of a moto server (S3, Route53...) answering on a free loopback port."""
    with moto_endpoint() as url:
        yield url


@pytest.fixture
def bucket(moto_server) -> Bucket:
    """A new, empty bucket of this test on the moto server."""
    made = Bucket(
        name=f"opsbase-{secrets.token_hex(4)}",
        endpoint_url=moto_server,
        region="us-east-1",
        addressing_style="path",
    )
    made.client().create_bucket(Bucket=made.name)
    return made


@pytest.fixture
def bucket_env(bucket, monkeypatch) -> Bucket:
    """The environment a project names the bucket with (docs/cdn_config.md)."""
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", bucket.name)
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", bucket.endpoint_url or "")
    monkeypatch.setenv("AWS_S3_REGION_NAME", "us-east-1")
    monkeypatch.setenv("AWS_S3_ADDRESSING_STYLE", "path")
    for name in ("OPSBASE_MEDIA_STORAGE", "OPSBASE_STATIC_STORAGE", "OPSBASE_CDN_URL"):
        monkeypatch.delenv(name, raising=False)
    return bucket


def objects(bucket: Bucket, prefix: str = "") -> dict[str, dict]:
    """Every object of the bucket under *prefix*, by key, with its head."""
    client = bucket.client()
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket.name, Prefix=prefix):
        for item in page.get("Contents", ()):
            found[item["Key"]] = client.head_object(Bucket=bucket.name, Key=item["Key"])
    return found
