"""Revocation and fresh lists on a real multi-process server with a new project's settings.

A project made by ``opsbase new`` has no ``REDIS_URL``: each gunicorn worker keeps its own
local-memory cache. Here gunicorn serves the example project with 3 sync workers, prod
settings and no Redis, on a fresh database of the engine the suite runs on (an SQLite file,
PostgreSQL or MariaDB). Every case warms every worker's cache first, makes one change
through the API, and then checks that every worker answers the changed state on every
request that follows (each request is matched to the worker that served it through the
access log).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import subprocess
import sys
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from tests.serve.harness import BIN, EXAMPLE, Process, fetch, free_port, wait_until

WORKERS = 3
HOST = "127.0.0.1"


def _database_url(tmp_path: Path) -> tuple[str, object]:
    """A fresh database on the suite's engine, and how to drop it."""
    vendor = connection.vendor
    if vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}", lambda: None
    settings = connection.settings_dict
    name = f"{settings['NAME']}_workers"[:60]
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT")
    user, password = settings.get("USER") or "", settings.get("PASSWORD") or ""
    credentials = urllib.parse.quote(user) + (
        f":{urllib.parse.quote(password)}" if password else ""
    )
    if vendor == "postgresql":
        admin = ["psql", "-h", host, "-p", str(port or 5432), "-U", user, "-d", "postgres", "-qc"]
        scheme = "postgres"
        drop = f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    elif vendor == "mysql":
        admin = ["mysql", "-h", host, "-P", str(port or 3306), "-u", user]
        admin += [f"-p{password}"] if password else []
        admin += ["-e"]
        scheme = "mysql"
        drop = f"DROP DATABASE IF EXISTS {name}"
    else:  # pragma: no cover - the suite runs on these three
        pytest.skip(f"no fresh database can be made on {vendor}")
    env = {**os.environ, "PGPASSWORD": password}
    for sql in (drop, f"CREATE DATABASE {name}"):
        done = subprocess.run([*admin, sql], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
    url = f"{scheme}://{credentials}@{host}" + (f":{port}" if port else "") + f"/{name}"

    def dropper() -> None:
        subprocess.run([*admin, drop], capture_output=True, env=env, timeout=60, check=False)

    return url, dropper


class Server:
    """gunicorn with WORKERS sync workers; every request is numbered so the access log tells
    which worker (pid) served it."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.access_log = root / "access.log"
        self._n = 0
        self._lock = threading.Lock()
        self.process = Process(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(WORKERS),
                "--worker-class",
                "sync",
                "--bind",
                f"{HOST}:{self.port}",
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(p)s %(s)s %({x-probe}i)s",
            ],
            env=env,
            cwd=EXAMPLE,
            log=root / "gunicorn.out",
        )

        def live() -> bool:
            assert self.process.alive(), self.process.output()
            try:
                return fetch(self.port, "/health/live", host=HOST).status == 200
            except OSError:
                return False

        wait_until(live, what="gunicorn to answer")

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        data=None,
        *,
        cookies=None,
        form=None,
    ):
        """(number, status, JSON body) of one request; *number* (its ``X-Probe`` header) names
        it in the access log, leaving the URL (part of cache keys) as asked."""
        with self._lock:
            self._n += 1
            number = self._n
        headers = {"Accept": "application/json", "Host": HOST, "X-Probe": str(number)}
        if token:
            headers["Authorization"] = f"Token {token}"
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if data is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(data).encode()
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}/"
            body = urllib.parse.urlencode(form).encode()
        sender = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            sender.request(method, path, body=body, headers=headers)
            answer = sender.getresponse()
            status, text = answer.status, answer.read().decode("utf-8", "replace")
            self.cookies = {
                key.strip(): rest.split(";", 1)[0]
                for name, value in answer.getheaders()
                if name.lower() == "set-cookie"
                for key, _, rest in [value.partition("=")]
            }
        finally:
            sender.close()
        try:
            payload = json.loads(text) if text else None
        except ValueError:
            payload = text
        return number, status, payload

    def workers_of(self, numbers) -> dict[int, str]:
        """{request number: pid of the worker that served it} for *numbers*."""
        wanted = set(numbers)

        def read() -> dict[int, str]:
            found = {}
            for line in self.access_log.read_text().splitlines():
                pid, _status, probe = (line.split(" ", 2) + ["", ""])[:3]
                if probe.isdigit() and int(probe) in wanted:
                    found[int(probe)] = pid
            return found

        wait_until(lambda: len(read()) == len(wanted), timeout=10, what="the access log")
        return read()

    def on_every_worker(
        self, method: str, path: str, token: str | None, *, rounds: int = 60, cookies=None
    ):
        """Send the request (3 at a time) until every worker served at least 3 of them;
        returns [(pid, status, body)] of all of them."""
        answers: list[tuple[int, int, object]] = []
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            while len(answers) < rounds * 3:
                batch = [
                    pool.submit(self.call, method, path, token, cookies=cookies)
                    for _ in range(WORKERS)
                ]
                answers += [future.result() for future in batch]
                served = self.workers_of(number for number, _, _ in answers)
                counts: dict[str, int] = {}
                for pid in served.values():
                    counts[pid] = counts.get(pid, 0) + 1
                if len(counts) == WORKERS and min(counts.values()) >= 3:
                    break
        served = self.workers_of(number for number, _, _ in answers)
        assert len(set(served.values())) == WORKERS, "not every worker served a request"
        return [(served[number], status, body) for number, status, body in answers]


@pytest.fixture(scope="module")
def server(tmp_path_factory, django_db_blocker):
    """The example project, migrated with the demo data, served by WORKERS workers."""
    root = tmp_path_factory.mktemp("workers")
    with django_db_blocker.unblock():
        url, drop = _database_url(root)
    password = "demo-" + secrets.token_urlsafe(9)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(root / "static"),
        "MEDIA_ROOT": str(root / "media"),
        "OPSBASE_LOG_DIR": str(root / "logs"),
        # Many sign-ins from one address in a few seconds: the test's, not an attack.
        "OPSBASE_API_LOGIN_RATE": "1000/minute",
    }
    env.pop("REDIS_URL", None)  # a new project's settings: each worker caches on its own
    for command in (["demo", "--password", password], ["collectstatic", "--noinput"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=EXAMPLE,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    running = Server(root, env)
    running.password = password
    running.root, running.env = root, env
    yield running
    running.process.stop()
    drop()


@pytest.fixture(scope="module")
def shared_server(server):
    """The same project and database served with Redis, as a server with REDIS_URL runs it:
    the workers share one cache, and the versions that end cached lists live in it."""
    import redis

    prefix = f"opsbase_workers_{secrets.token_hex(4)}"
    url = "redis://127.0.0.1:6379/0"
    root = server.root / "shared"
    root.mkdir()
    running = Server(root, {**server.env, "REDIS_URL": url, "CACHE_KEY_PREFIX": prefix})
    running.password = server.password
    yield running
    running.process.stop()
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def sign_in(server: Server, email: str, tenant: str = "acme") -> str:
    _, status, body = server.call(
        "POST",
        "/api/v1/auth/token/",
        data={"email": email, "password": server.password, "tenant": tenant},
    )
    assert status == 201, body
    return body["token"]


def statuses(answers) -> dict[int, int]:
    found: dict[int, int] = {}
    for _pid, status, _body in answers:
        found[status] = found.get(status, 0) + 1
    return found


def test_a_revoked_token_is_refused_by_every_worker_on_the_very_next_request(server):
    admin = sign_in(server, "admin@acme.test")
    doomed = sign_in(server, "admin@acme.test")
    warm = server.on_every_worker("GET", "/api/v1/me/", doomed)
    assert statuses(warm) == {200: len(warm)}
    _, status, tokens = server.call("GET", "/api/v1/tokens/?page_size=100", admin)
    assert status == 200
    prefix = doomed[: len(tokens["results"][0]["prefix"])]
    (target,) = [t for t in tokens["results"] if t["prefix"] == prefix]

    _, status, body = server.call("POST", f"/api/v1/tokens/{target['id']}/revoke/", admin)
    assert status == 200, body

    after = server.on_every_worker("GET", "/api/v1/me/", doomed)
    assert statuses(after) == {401: len(after)}
    assert {body["error"]["code"] for _, _, body in after} == {"token_revoked"}


def _membership_of(server: Server, admin: str, email: str) -> dict:
    _, status, members = server.call("GET", "/api/v1/memberships/?page_size=100", admin)
    assert status == 200, members
    rows = members["results"] if isinstance(members, dict) else members
    (found,) = [m for m in rows if m["user"]["email"] == email]
    return found


def test_a_changed_role_and_a_deactivated_member_are_seen_by_every_worker_at_once(server):
    admin = sign_in(server, "admin@acme.test")
    member = sign_in(server, "user@acme.test")
    warm = server.on_every_worker("GET", "/api/v1/me/", member)
    assert {body["role"]["name"] for _, _, body in warm} == {"User"}
    _, _, roles = server.call("GET", "/api/v1/roles/?page_size=100", admin)
    rows = roles["results"] if isinstance(roles, dict) else roles
    (manager,) = [r for r in rows if r["name"] == "Manager"]
    target = _membership_of(server, admin, "user@acme.test")

    _, status, body = server.call(
        "PATCH", f"/api/v1/memberships/{target['id']}/", admin, {"role": manager["id"]}
    )
    assert status == 200, body

    after = server.on_every_worker("GET", "/api/v1/me/", member)
    assert statuses(after) == {200: len(after)}
    assert {body["role"]["name"] for _, _, body in after} == {"Manager"}

    _, status, body = server.call(
        "PATCH", f"/api/v1/memberships/{target['id']}/", admin, {"is_active": False}
    )
    assert status == 200, body

    after = server.on_every_worker("GET", "/api/v1/me/", member)
    assert statuses(after) == {401: len(after)}
    assert {body["error"]["code"] for _, _, body in after} == {"membership_inactive"}


def test_an_edited_task_is_in_every_workers_next_list(server):
    admin = sign_in(server, "admin@acme.test")
    path = "/api/v1/tasks/?page_size=100&ordering=id"
    warm = server.on_every_worker("GET", path, admin)
    assert statuses(warm) == {200: len(warm)}
    task = warm[0][2]["results"][0]
    title = f"Edited {secrets.token_hex(4)}"

    _, status, body = server.call("PATCH", f"/api/v1/tasks/{task['id']}/", admin, {"title": title})
    assert status == 200, body

    after = server.on_every_worker("GET", path, admin)
    titles = {
        next(row["title"] for row in body["results"] if row["id"] == task["id"])
        for _, _, body in after
    }
    assert titles == {title}


def test_a_deactivated_members_session_is_refused_by_every_worker_at_once(server):
    admin = sign_in(server, "admin@acme.test")
    server.call("GET", "/accounts/login/")
    cookies = dict(server.cookies)
    server.call(
        "POST",
        "/accounts/login/",
        cookies=cookies,
        form={
            "username": "manager@acme.test",
            "password": server.password,
            "csrfmiddlewaretoken": cookies["__Host-csrftoken"],  # prod's cookie names
        },
    )
    cookies.update(server.cookies)
    assert "__Host-sessionid" in cookies
    warm = server.on_every_worker("GET", "/api/v1/me/", None, cookies=cookies)
    assert statuses(warm) == {200: len(warm)}
    target = _membership_of(server, admin, "manager@acme.test")

    _, status, body = server.call(
        "PATCH", f"/api/v1/memberships/{target['id']}/", admin, {"is_active": False}
    )
    assert status == 200, body

    after = server.on_every_worker("GET", "/api/v1/me/", None, cookies=cookies)
    assert statuses(after) == {403: len(after)}


def test_a_users_own_list_follows_every_assignment_on_every_worker_with_a_shared_cache(
    shared_server,
):
    """A User's list is kept by versions of its own (the members a write names); a write
    naming the User, and one naming someone else, reach every worker's next answer."""
    server = shared_server
    admin = sign_in(server, "admin@globex.test", "globex")
    member = sign_in(server, "user@globex.test", "globex")
    path = "/api/v1/tasks/?page_size=100&ordering=id"

    def listed(answers) -> set[frozenset[tuple[int, str]]]:
        assert statuses(answers) == {200: len(answers)}
        return {frozenset((r["id"], r["title"]) for r in body["results"]) for _, _, body in answers}

    (before,) = listed(server.on_every_worker("GET", path, member))
    _, _, everything = server.call("GET", path, admin)
    mine = {task_id for task_id, _ in before}
    others = [t for t in everything["results"] if t["id"] not in mine]
    assert len(others) >= 2, "the demo gives Globex tasks the User cannot see"
    target, bystander = others[0], others[1]
    user = _membership_of(server, admin, "user@globex.test")

    _, status, body = server.call(
        "PATCH", f"/api/v1/tasks/{target['id']}/", admin, {"assignee": user["id"]}
    )
    assert status == 200, body
    (assigned,) = listed(server.on_every_worker("GET", path, member))
    assert assigned == before | {(target["id"], target["title"])}

    # A write that names someone else keeps the User's list as it was, on every worker.
    title = f"Renamed {secrets.token_hex(4)}"
    _, status, body = server.call(
        "PATCH", f"/api/v1/tasks/{bystander['id']}/", admin, {"title": title}
    )
    assert status == 200, body
    assert listed(server.on_every_worker("GET", path, member)) == {assigned}

    # Renamed while assigned, then moved away: every worker's next list follows.
    renamed = f"Assigned {secrets.token_hex(4)}"
    _, status, body = server.call(
        "PATCH", f"/api/v1/tasks/{target['id']}/", admin, {"title": renamed}
    )
    assert status == 200, body
    (after_rename,) = listed(server.on_every_worker("GET", path, member))
    assert after_rename == before | {(target["id"], renamed)}

    _, status, body = server.call(
        "PATCH", f"/api/v1/tasks/{target['id']}/", admin, {"assignee": None}
    )
    assert status == 200, body
    assert listed(server.on_every_worker("GET", path, member)) == {before}
