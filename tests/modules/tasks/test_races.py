"""Writes racing each other over the API, with real threads and real connections.

On PostgreSQL and MariaDB: PATCHes racing DELETEs never answer 5xx (one lock order: the row,
then the audit chain head; a row gone meanwhile is 404), and parallel edits leave a history
where each event's old values are the previous event's new ones. On SQLite (a real gunicorn
serving a file database, as the demo does): parallel status changes answer 200, or 503 with
Retry-After when the database stays busy, never 500.
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.tasks.models import Task
from opsbase.modules.tasks.services import task_create
from opsbase.testing.api import token_for
from opsbase.testing.concurrency import in_threads, needs_row_locks

REPO = Path(__file__).resolve().parents[3]


def _api(raw):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_patches_racing_deletes_never_answer_a_server_error(world):
    manager = world.members[RoleKind.MANAGER]
    tasks = [task_create(membership=manager, title=f"Race {n}", notify=False) for n in range(40)]
    _token, raw = token_for(manager)

    def patch(pk, n):
        return lambda: ("patch", _api(raw).patch(f"/api/v1/tasks/{pk}/", {"title": f"P {n}"}))

    def delete(pk):
        return lambda: ("delete", _api(raw).delete(f"/api/v1/tasks/{pk}/"))

    jobs = []
    for n, task in enumerate(tasks):
        jobs += (
            [patch(task.pk, n), delete(task.pk)] if n % 2 else [delete(task.pk), patch(task.pk, n)]
        )
    answers = in_threads(jobs, workers=16)

    codes = Counter((kind, response.status_code) for kind, response in answers)
    assert not [c for c in codes if c[1] >= 500], codes
    assert set(codes) <= {("patch", 200), ("patch", 404), ("delete", 204)}, codes
    assert codes[("delete", 204)] == 40
    assert not Task.objects.for_tenant(world.home).exists()
    assert audit_chain_verify(tenant=world.home).ok


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_parallel_edits_leave_a_true_history(world):
    manager = world.members[RoleKind.MANAGER]
    task = task_create(membership=manager, title="Base title", notify=False)
    _token, raw = token_for(manager)

    def edit(n):
        return lambda: _api(raw).patch(f"/api/v1/tasks/{task.pk}/", {"title": f"Title {n}"})

    answers = in_threads([edit(n) for n in range(10)], workers=10)

    assert [r.status_code for r in answers] == [200] * 10
    events = list(
        AuditEvent.objects.for_tenant(world.home)
        .filter(target_type="tasks.task", target_id=str(task.pk))
        .order_by("seq")
    )
    titles = [e.changes["title"] for e in events]
    assert [e.action for e in events] == ["create"] + ["update"] * 10
    for previous, event in zip(titles, titles[1:], strict=False):
        assert event["old"] == previous["new"], titles
    task.refresh_from_db()
    assert titles[-1]["new"] == task.title
    assert audit_chain_verify(tenant=world.home).ok


# -- SQLite: a real server on a file database, as the demo runs ------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(database: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'src'}",
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers=3",
            "--threads=4",
            f"--bind=127.0.0.1:{port}",
            "django.core.wsgi:get_wsgi_application()",
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=5)  # noqa: S310
            return server
        except OSError:  # refused, reset or timed out while the workers start
            if server.poll() is not None:
                raise AssertionError(server.stdout.read()) from None
            time.sleep(0.3)
    server.kill()
    raise AssertionError("gunicorn did not answer in 60 s")


def _post(url, raw, body):
    request = urllib.request.Request(  # noqa: S310 - a loopback URL of the test's own server
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Token {raw}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's whole-database lock")
@pytest.mark.django_db(transaction=True)
def test_parallel_status_changes_on_sqlite_answer_200_or_503_never_500(world, tmp_path):
    manager = world.members[RoleKind.MANAGER]
    tasks = [task_create(membership=manager, title=f"Move {n}", notify=False) for n in range(20)]
    _token, raw = token_for(manager)
    database = tmp_path / "demo.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(database)
    connection.connection.backup(target)
    target.close()
    port = _free_port()
    server = _serve(database, port)
    try:
        base = f"http://127.0.0.1:{port}/api/v1/tasks"
        barrier = threading.Barrier(len(tasks))

        def move(task):
            barrier.wait(timeout=10)
            return _post(f"{base}/{task.pk}/transition/", raw, {"transition": "start"})

        with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
            answers = list(pool.map(move, tasks))
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    codes = Counter(code for code, _headers, _body in answers)
    assert set(codes) <= {200, 503}, (codes, output[-3000:])
    assert codes[200] > 0, codes
    for code, headers, body in answers:
        if code == 503:
            assert headers.get("Retry-After") == "1"
            assert json.loads(body)["error"]["code"] == "database_busy"
    moved = sqlite3.connect(database).execute(
        "SELECT COUNT(*) FROM tasks_task WHERE status = 'in_progress'"
    )
    assert moved.fetchone()[0] == codes[200]
