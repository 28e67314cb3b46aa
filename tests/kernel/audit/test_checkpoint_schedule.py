"""Celery beat checkpoints the chains on a schedule: eagerly here, and on a real worker."""

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings

from opsbase.conf import ConfigError, build_settings
from opsbase.core.celery import app as celery_app
from opsbase.kernel.audit.models import chain_key
from opsbase.kernel.audit.services import audit_event
from opsbase.kernel.audit.tasks import audit_checkpoint_task
from opsbase.testing.celery import start_worker

from .conftest import chain_of, truncate
from .test_verify import verify

pytestmark = pytest.mark.serial  # the Celery broker on Redis database 13

REPO = Path(__file__).resolve().parents[3]
BROKER = "redis://127.0.0.1:6379/13"


def test_beat_runs_the_checkpoint_every_configured_minutes(monkeypatch, tmp_path):
    monkeypatch.setenv("OPSBASE_AUDIT_CHECKPOINT_MINUTES", "5")

    schedule = build_settings(tmp_path, "dev")["CELERY_BEAT_SCHEDULE"]

    assert schedule["opsbase-audit-checkpoint"] == {
        "task": "opsbase.audit.checkpoint",
        "schedule": 300.0,
    }
    # What `celery beat` reads: the project's settings through the app's CELERY namespace.
    assert celery_app.conf.beat_schedule["opsbase-audit-checkpoint"]["task"] == (
        audit_checkpoint_task.name
    )
    assert audit_checkpoint_task.name in celery_app.tasks


def test_a_schedule_of_no_minutes_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.setenv("OPSBASE_AUDIT_CHECKPOINT_MINUTES", "0")

    with pytest.raises(ConfigError, match="OPSBASE_AUDIT_CHECKPOINT_MINUTES"):
        build_settings(tmp_path, "dev")


def test_the_scheduled_task_checkpoints_what_moved(world, raw_sql, heads_sql):
    for i in range(3):
        audit_event(tenant=world.home, actor=None, action="test.step", target_label=str(i))
    last = chain_of(world.home)[-1]

    result = audit_checkpoint_task.delay().get()

    assert chain_key(world.home) in result["chains"] and result["event_seq"] is not None
    assert audit_checkpoint_task.delay().get()["chains"] == []  # nothing moved since
    truncate(chain_key(world.home), last.seq - 1, raw_sql, heads_sql)
    output, error = verify()
    assert error is not None
    assert f"TRUNCATED the chain ends at seq {last.seq - 1} but was checkpointed" in output


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checkpoints_and_truncation_is_then_caught(
    world, raw_sql, heads_sql, tmp_path
):
    try:
        redis.Redis.from_url(BROKER).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    from tests.modules.tasks.test_notifications import _database_url_for_worker

    for i in range(3):
        audit_event(tenant=world.away, actor=None, action="test.step", target_label=str(i))
    last = chain_of(world.away)[-1]
    queue = f"audit-{uuid.uuid4().hex[:8]}"
    path = settings.OPSBASE_AUDIT_CHECKPOINT_FILE
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "DATABASE_URL": _database_url_for_worker(tmp_path),
        "OPSBASE_AUDIT_CHECKPOINT_FILE": str(path),
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'src'}",
    }
    worker = start_worker(queue=queue, env=env, cwd=REPO)
    try:
        sender = Celery("sender", broker=BROKER, backend=BROKER, set_as_current=False)
        result = sender.send_task(audit_checkpoint_task.name, queue=queue).get(timeout=60)
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate()

    assert chain_key(world.away) in result["chains"]
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert {"chain": chain_key(world.away), "seq": last.seq, "hash": last.hash}.items() <= next(
        line for line in lines if line["chain"] == chain_key(world.away)
    ).items()
    truncate(chain_key(world.away), last.seq - 2, raw_sql, heads_sql)
    output, error = verify("--tenant", "globex")
    assert error is not None
    assert f"BROKEN  globex: TRUNCATED the chain ends at seq {last.seq - 2}" in output


def test_the_command_for_cron_checkpoints_and_flags_a_chain_behind(world, raw_sql, heads_sql):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    for i in range(3):
        audit_event(tenant=world.home, actor=None, action="test.step", target_label=str(i))
    out = StringIO()

    call_command("audit_checkpoint", stdout=out)
    call_command("audit_checkpoint", stdout=out)

    assert "Checkpointed 3 chain(s)" in out.getvalue()
    assert out.getvalue().endswith("Nothing moved since the last checkpoint.\n")
    truncate(chain_key(world.home), 2, raw_sql, heads_sql)
    with pytest.raises(CommandError, match=f"chain\\(s\\) {chain_key(world.home)} are behind"):
        call_command("audit_checkpoint", stdout=out)
