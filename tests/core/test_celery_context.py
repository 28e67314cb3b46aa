"""The active tenant and request id travel with Celery tasks, eager and on a real worker."""

import os
import subprocess
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery

import opsbase.core.celery  # noqa: F401 - connects the context signals
from opsbase.core.context import bind, request_id_var, tenant_context
from opsbase.core.tasks import context_probe
from opsbase.testing.celery import start_worker

pytestmark = pytest.mark.serial  # the Celery broker on Redis database 13

REPO = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/13"


def test_an_eager_task_runs_in_the_callers_tenant():
    with tenant_context(7), bind(request_id_var, "req-eager-1"):
        result = context_probe.delay().get()
    assert result == {"tenant_id": 7, "request_id": "req-eager-1"}


def test_without_a_tenant_the_task_sees_none():
    assert context_probe.delay().get()["tenant_id"] is None


@pytest.fixture
def worker():
    try:
        redis.Redis.from_url(BROKER).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    queue = f"probe-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'src'}",
    }
    env.pop("DATABASE_URL", None)
    proc = start_worker(queue=queue, env=env, cwd=REPO)
    try:
        yield queue
    finally:
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        if proc.returncode not in (0, -15):
            print(output)  # noqa: T201 - shown by pytest when the test fails


def test_a_real_worker_runs_the_task_in_the_senders_tenant(worker):
    # A client app of its own, so the project's (eager) app is left as it is; the context
    # headers come from the same publish signal every app uses.
    # Not the current app: later .delay() calls in this process must keep using OpsBase's.
    sender = Celery("sender", broker=BROKER, backend=BROKER, set_as_current=False)
    with tenant_context(42), bind(request_id_var, "req-worker-1"):
        pending = sender.send_task(context_probe.name, queue=worker)
    assert pending.get(timeout=60) == {"tenant_id": 42, "request_id": "req-worker-1"}
    # The worker does not keep one task's tenant for the next.
    assert sender.send_task(context_probe.name, queue=worker).get(timeout=60)["tenant_id"] is None
