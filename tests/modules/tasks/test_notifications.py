"""Assigning a task e-mails the assignee, after commit, through a Celery task that carries the
tenant: eagerly by default, and on a real worker with this machine's Redis."""

import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import kombu.exceptions
import kombu.pools
import pytest
import redis
from celery import Celery
from celery.signals import after_task_publish
from django.core import mail
from django.db import connection

from opsbase.core.celery import app as celery_app
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.services import task_create, task_update
from opsbase.modules.tasks.tasks import task_assigned_notify
from opsbase.testing.celery import start_worker

pytestmark = pytest.mark.serial  # the Celery broker on Redis database 13

REPO = Path(__file__).resolve().parents[3]
BROKER = "redis://127.0.0.1:6379/13"


def test_assigning_on_create_emails_the_assignee_after_commit(
    world, user, django_capture_on_commit_callbacks
):
    manager = world.members[RoleKind.MANAGER]

    with django_capture_on_commit_callbacks(execute=True):
        task = task_create(membership=user, title="Check the pumps", assignee=manager)
        assert mail.outbox == []  # nothing leaves before the commit

    [message] = mail.outbox
    assert message.to == ["manager@acme.test"]
    assert message.subject == "[Acme] Task assigned to you: Check the pumps"
    assert f"/tasks/{task.pk}/" in message.body


def test_changing_the_assignee_emails_the_new_one_only(
    world, user, django_capture_on_commit_callbacks
):
    manager = world.members[RoleKind.MANAGER]
    task = task_create(membership=user, title="Check the pumps", assignee=manager, notify=False)

    with django_capture_on_commit_callbacks(execute=True):
        task_update(membership=user, task=task, assignee=world.spare)
    with django_capture_on_commit_callbacks(execute=True):
        task_update(membership=user, task=task, title="Check all the pumps")

    assert [m.to for m in mail.outbox] == [["other@acme.test"]]


def test_assigning_yourself_sends_nothing(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task_create(membership=user, title="Check the pumps", assignee=user)

    assert mail.outbox == []


def test_a_failed_write_sends_nothing(world, user, django_capture_on_commit_callbacks):
    foreign = world.away_members[RoleKind.USER]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Exception):  # noqa: B017 - the service's ValidationError
            task_create(membership=user, title="ab", assignee=world.spare)
        with pytest.raises(Exception):  # noqa: B017
            task_create(membership=user, title="Check the pumps", assignee=foreign)

    assert callbacks == []
    assert mail.outbox == []


def test_the_job_refuses_to_run_without_a_tenant(world, user):
    task = task_create(membership=user, title="Check the pumps", assignee=world.spare, notify=False)

    result = task_assigned_notify.apply(args=[task.pk, world.spare.pk]).get()

    assert result == {"tenant_id": None, "sent_to": []}
    assert mail.outbox == []


# -- a real worker ---------------------------------------------------------------------------


def _database_url_for_worker(tmp_path) -> str:
    """The test database as a URL another process can open (SQLite: a copy of the in-memory one)."""
    settings = connection.settings_dict
    vendor = connection.vendor
    if vendor == "sqlite":
        copy = tmp_path / "worker.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{copy}"
    scheme = {"postgresql": "postgres", "mysql": "mysql"}[vendor]
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"{scheme}://{auth}{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


@pytest.fixture
def broker():
    try:
        redis.Redis.from_url(BROKER).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return BROKER


def _start_worker(queue: str, database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "DATABASE_URL": database_url,
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'src'}",
    }
    return start_worker(queue=queue, env=env, cwd=REPO)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        output, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
    if proc.returncode not in (0, -15):
        print(output)  # noqa: T201 - shown when the test fails


def _reset_connections() -> None:
    """Forget the app's broker connections: its producer pool keeps the broker it was made for.

    kombu keeps pools in a global registry keyed by connection; closing one without clearing
    the registry would leave later publishes with a closed pool, so reset both.
    """
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_assignment_email_in_the_tasks_tenant(world, broker, tmp_path):
    user, manager = world.members[RoleKind.USER], world.members[RoleKind.MANAGER]
    queue = f"tasks-{uuid.uuid4().hex[:8]}"
    sent = []

    def remember(sender=None, headers=None, **_kwargs):
        if sender == task_assigned_notify.name:
            sent.append(headers["id"])

    # The project's app, switched from eager to this broker for the test; the service's
    # on-commit hook publishes through it exactly as in production.
    saved = {
        k: celery_app.conf[k]
        for k in ("task_always_eager", "broker_url", "result_backend", "task_routes")
    }
    celery_app.conf.update(
        task_always_eager=False,
        broker_url=BROKER,
        result_backend=BROKER,
        task_routes={task_assigned_notify.name: {"queue": queue}},
    )
    _reset_connections()
    after_task_publish.connect(remember, weak=False)
    try:
        task = task_create(
            membership=user, title="Check the pumps", assignee=manager, site_url="https://ops.test/"
        )
        worker = _start_worker(queue, _database_url_for_worker(tmp_path))
        try:
            results = Celery("results", broker=BROKER, backend=BROKER, set_as_current=False)
            result = results.AsyncResult(sent[0]).get(timeout=60)
        finally:
            _stop(worker)
    finally:
        after_task_publish.disconnect(remember)
        celery_app.conf.update(saved)
        _reset_connections()

    assert result == {"tenant_id": world.home.pk, "sent_to": ["manager@acme.test"]}
    assert mail.outbox == []  # delivered by the worker, not in this process
    # Back to the eager default: the next assignment is delivered here again.
    task_update(membership=user, task=task, assignee=world.spare)
    assert [m.to for m in mail.outbox] == [["other@acme.test"]]


def test_a_broker_outage_keeps_the_task_and_logs_the_lost_email(
    world, user, django_capture_on_commit_callbacks, caplog, monkeypatch
):
    # Given a broker that cannot be reached when the e-mail job is published (publishing is
    # where kombu raises OperationalError; the real-worker test above covers the happy path)
    def refuse(*args, **kwargs):
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(task_assigned_notify, "delay", refuse)
    manager = world.members[RoleKind.MANAGER]

    # When a task is assigned
    with django_capture_on_commit_callbacks(execute=True):
        task = task_create(membership=user, title="Check the pumps", assignee=manager)

    # Then the task stands, nothing was sent, and the log says which e-mail was lost
    assert Task.objects.for_tenant(world.home).filter(pk=task.pk).exists()
    assert mail.outbox == []
    assert f"task {task.pk} not queued" in caplog.text
