"""The plain Django + DRF project the benchmark compares OpsBase with (``bench.plain``): a
``startproject`` layout with Django's default middleware and no OpsBase, the same data as
OpsBase's benchmark database, and endpoints that do what the report says (the caller's
organization only; no permission checks, no audit trail), served by its own gunicorn.
"""

import json
import subprocess
import sys

import bench.plain as plain
import psycopg
import pytest
from bench.generate import generate
from bench.run import Server, http_send, start, stop
from bench.scale import Scale
from bench.wrk import Request
from django.db import connection

from opsbase.kernel.accounts.models import User
from opsbase.kernel.roles.models import Role
from opsbase.kernel.tenants.models import Membership, Tenant
from opsbase.modules.tasks.models import Task

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the plain project's database is PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]

# What `django-admin startproject` puts in MIDDLEWARE (Django 4.2 to 5.x).
DEFAULT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def _url(name: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def project(tmp_path):
    """The plain project generated in a temporary folder, its database filled from this test
    database's generated data; dropped afterwards."""
    generate(Scale(tenants=3, users=12, tasks=120), log=lambda _m: None)
    source = connection.settings_dict["NAME"]
    name = f"{source}_plain"
    target = plain.make_project(tmp_path / "plain")
    env = plain.environment(target, _url(name), "test-secret-key-of-the-plain-project")
    plain.manage(target, env, "makemigrations", "tasks", "--verbosity=0")
    tables = {
        "tenant": Tenant._meta.db_table,
        "user": User._meta.db_table,
        "membership": Membership._meta.db_table,
        "role": Role._meta.db_table,
        "task": Task._meta.db_table,
    }
    connection.close()  # the copy reads this database from another connection
    kwargs = {
        "admin_url": _url("postgres"),
        "name": name,
        "source_url": _url(source),
        "tables": tables,
        "target": target,
        "env": env,
        "log": lambda _m: None,
    }
    assert plain.ensure_database(**kwargs) is True
    yield target, env, kwargs
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def served(project):
    target, env, kwargs = project
    server = Server("plain", f"{plain.PROJECT}.wsgi", target, env, "/hello/")
    start(server, workers=1)
    yield server, plain.token_for(target, env, "u0@t0.bench"), kwargs
    stop([server])


def test_the_project_is_startprojects_with_djangos_default_middleware_and_no_opsbase(project):
    target, env, _kwargs = project
    script = (
        "import sys; from django.conf import settings; import json; "
        "print(json.dumps([settings.MIDDLEWARE, settings.DEBUG, "
        "sorted(m for m in sys.modules if m.startswith('opsbase'))]))"
    )

    # Django 5.2's shell may say first what it imported: the answer is the last line.
    output = plain.manage(target, env, "shell", "-c", script).strip().splitlines()[-1]
    middleware, debug, opsbase = json.loads(output)

    assert middleware == DEFAULT_MIDDLEWARE
    assert debug is False
    assert opsbase == []
    assert (target / "manage.py").exists() and (target / plain.PROJECT / "asgi.py").exists()
    checked = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=target, env=env, capture_output=True
    )
    assert checked.returncode == 0, checked.stderr


def test_the_copy_has_the_same_rows_per_organization(project):
    _target, _env, kwargs = project
    with psycopg.connect(kwargs["source_url"]) as source:
        theirs = source.execute(
            "SELECT tenant_id, count(*), count(assignee_id) FROM tasks_task GROUP BY 1 ORDER BY 1"
        ).fetchall()
    plain_url = kwargs["admin_url"].rsplit("/", 1)[0] + "/" + kwargs["name"]
    with psycopg.connect(plain_url) as copy:
        ours = copy.execute(
            "SELECT organization_id, count(*), count(assignee_id) FROM tasks_task "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
        users = copy.execute("SELECT count(*) FROM auth_user").fetchone()[0]

    assert ours == theirs
    assert users == 12
    # Unchanged data and sources: the next run keeps the database.
    assert plain.ensure_database(**kwargs) is False


def test_the_endpoints_answer_for_the_callers_organization_only(served):
    server, token, kwargs = served
    auth = (("Authorization", f"Token {token}"),)
    json_auth = (*auth, ("Content-Type", "application/json"))
    with psycopg.connect(kwargs["source_url"]) as source:
        own, foreign = (
            source.execute(
                "SELECT min(t.id) FROM tasks_task t JOIN tenants_tenant o ON o.id = t.tenant_id "
                "WHERE (o.slug = 'bench') = %s",
                [mine],
            ).fetchone()[0]
            for mine in (True, False)
        )

    hello = http_send(server, Request("hello", "GET", "/hello/"))
    anonymous = http_send(server, Request("list", "GET", "/api/tasks/"))
    status, body = http_send(server, Request("list", "GET", "/api/tasks/", "", auth))
    created = http_send(
        server, Request("create", "POST", "/api/tasks/", '{"title": "Bench task 1"}', json_auth)
    )
    edited = http_send(
        server, Request("update", "PATCH", f"/api/tasks/{own}/", '{"priority": "high"}', json_auth)
    )
    theirs = http_send(
        server,
        Request("update", "PATCH", f"/api/tasks/{foreign}/", '{"priority": "high"}', json_auth),
    )

    assert hello == (200, b"Hello, world")
    assert anonymous[0] == 401
    assert status == 200
    page = json.loads(body)
    assert page["count"] == 40 and len(page["results"]) == 40
    assert created[0] == 201, created
    assert json.loads(created[1])["owner"] == "u0@t0.bench"
    assert edited[0] == 200 and json.loads(edited[1])["priority"] == "high"
    assert theirs[0] == 404
    plain_url = kwargs["admin_url"].rsplit("/", 1)[0] + "/" + kwargs["name"]
    with psycopg.connect(plain_url) as copy:
        organization = copy.execute(
            "SELECT o.slug FROM tasks_task t JOIN tasks_organization o ON o.id = "
            "t.organization_id WHERE t.title = 'Bench task 1'"
        ).fetchone()[0]
    assert organization == "bench"
    plain.forget_writes(plain_url)
    with psycopg.connect(plain_url) as copy:
        assert copy.execute("SELECT count(*) FROM tasks_task").fetchone()[0] == 120


def test_the_report_counts_the_plain_projects_queries(served):
    _server, token, kwargs = served
    auth = (("Authorization", f"Token {token}"),)
    with psycopg.connect(kwargs["source_url"]) as source:
        own = source.execute(
            "SELECT min(t.id) FROM tasks_task t JOIN tenants_tenant o ON o.id = t.tenant_id "
            "WHERE o.slug = 'bench'"
        ).fetchone()[0]
    listing = Request("list", "GET", "/api/tasks/", "", auth)
    edit = Request("update", "PATCH", f"/api/tasks/{own}/", '{"priority": "low"}', auth)

    counts = plain.count_queries(kwargs["target"], kwargs["env"], [listing, edit])

    # The token with its user, the user's membership, the count and the page; the edit reads
    # the token, the membership and the task, then saves it.
    assert counts == [4, 4]
