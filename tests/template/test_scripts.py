"""The operations scripts of a rendered project, run as a person runs them, against the
example project (PROJECT_DIR points them at it)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serve.harness import EXAMPLE, free_port


@pytest.fixture(scope="module")
def scripts(tmp_path_factory, shop):
    root = tmp_path_factory.mktemp("scripts")
    shutil.copytree(shop.dest / "scripts", root / "scripts")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "PROJECT_DIR": str(EXAMPLE),
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{root}/site.sqlite3",
        "STATIC_ROOT": str(root / "static"),
        "OPSBASE_LOG_DIR": str(root / "logs"),
        "OPSBASE_BACKUP_DIR": str(root / "backups"),
    }
    return root, env


def run(scripts, name, *args, env=None):
    root, base = scripts
    return subprocess.run(
        [str(root / "scripts" / name), *args],
        env={**base, **(env or {})}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_every_script_is_rendered_executable(scripts):
    root, _ = scripts
    for name in ("backup_db.sh", "restore_db.sh", "deploy.sh", "run_tests.sh",
                 "monitor_services.sh", "sync_cdn.sh"):  # fmt: skip
        path = root / "scripts" / name
        assert os.access(path, os.X_OK), name
        assert subprocess.run(["bash", "-n", str(path)], check=False).returncode == 0


def test_deploy_then_backup_then_restore(scripts, tmp_path):
    root, _ = scripts

    deployed = run(scripts, "deploy.sh", "--no-backup")
    backed_up = run(scripts, "backup_db.sh", "--dir", str(tmp_path), "--keep", "3")
    restored = run(
        scripts, "restore_db.sh", "--latest", "--dir", str(tmp_path),
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/restored.sqlite3"},
    )  # fmt: skip
    refused = run(scripts, "restore_db.sh", "--latest", "--dir", str(tmp_path))

    assert deployed.returncode == 0, deployed.stderr
    assert "systemd does not manage shop here" in deployed.stdout  # the app's name, rendered
    assert (root / "static" / "admin").is_dir()  # collectstatic ran
    assert backed_up.returncode == 0 and "Backup written" in backed_up.stdout
    assert restored.returncode == 0 and "Restored" in restored.stdout, restored.stderr
    assert refused.returncode != 0 and "--force" in refused.stderr


def test_deploy_names_an_unknown_option(scripts):
    result = run(scripts, "deploy.sh", "--fast")

    assert result.returncode == 2 and "unknown option --fast" in result.stderr


def test_run_tests_hands_over_to_pytest(scripts):
    result = run(scripts, "run_tests.sh", "--version")

    assert result.returncode == 0
    assert "pytest" in (result.stdout + result.stderr)


def test_monitor_reports_a_site_that_does_not_answer(scripts):
    result = run(scripts, "monitor_services.sh", f"http://127.0.0.1:{free_port()}")

    assert result.returncode == 1
    assert "/health/live" in result.stdout and "connection refused" in result.stdout
    if not Path("/run/systemd/system").is_dir():
        assert "systemd is not running here" in result.stdout


def test_monitor_of_a_project_never_deployed_asks_for_its_url(scripts):
    result = run(scripts, "monitor_services.sh")

    assert result.returncode == 1
    assert "not deployed on this machine" in result.stdout


def test_sync_cdn_explains_what_is_missing(scripts):
    no_bucket = run(scripts, "sync_cdn.sh")

    assert no_bucket.returncode == 2
    assert "AWS_STORAGE_BUCKET_NAME is not set" in no_bucket.stderr


def test_sync_cdn_uploads_the_collected_files_once_then_nothing(scripts):
    import boto3

    from tests.moto import AWS_ENV, moto_endpoint

    root, _ = scripts
    with moto_endpoint() as endpoint:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        s3.create_bucket(Bucket="shop-cdn")
        bucket = {
            **AWS_ENV,
            "AWS_STORAGE_BUCKET_NAME": "shop-cdn",
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_ADDRESSING_STYLE": "path",
            "MEDIA_ROOT": str(root / "media"),
        }

        dry = run(scripts, "sync_cdn.sh", "--dry-run", "--only", "static", env=bucket)
        first = run(scripts, "sync_cdn.sh", env=bucket)
        second = run(scripts, "sync_cdn.sh", env=bucket)
        keys = [
            item["Key"]
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket="shop-cdn")
            for item in page.get("Contents", ())
        ]

    collected = [p for p in (root / "static").rglob("*") if p.is_file()]
    assert first.returncode == 0, first.stderr
    assert f"uploaded {len(collected)} file(s)" in first.stdout
    assert len(keys) == len(collected) and all(key.startswith("static/") for key in keys)
    assert second.returncode == 0 and "uploaded 0 file(s)" in second.stdout
    assert "would upload static/" in dry.stdout and dry.returncode == 0
