"""The plain Django + DRF project the benchmark compares OpsBase with.

``make_project`` generates it (``django-admin startproject``, then the app and settings of
``bench/plain_project/``); ``ensure_database`` gives it its own PostgreSQL database on the
same server as OpsBase's, filled with a copy of OpsBase's benchmark data (the same
organizations, users, memberships and tasks: same row counts, same tenant distribution, same
ids), kept until that data changes. It is served by its own gunicorn with the same workers,
so each project's figures can be divided by its own hello-world view and by each other.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
SOURCE = BENCH / "plain_project"
TARGET = BENCH / ".baseline"
PROJECT = "plainsite"
# The titles of the tasks the benchmark's creates add ("Bench task 12").
BENCH_TITLES = "Bench task %"

# What the copy reads from OpsBase's tables and where it writes it in the plain project's.
# (source query, target table, target columns); ``{…}`` are OpsBase's table names.
COPIES = (
    ("SELECT id, name, slug FROM {tenant}", "tasks_organization", "id, name, slug"),
    (
        "SELECT id, password, is_superuser, email, first_name, last_name, email, is_staff, "
        "is_active, date_joined FROM {user}",
        "auth_user",
        "id, password, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined",
    ),
    (
        "SELECT m.id, m.tenant_id, m.user_id, r.kind FROM {membership} m "
        "JOIN {role} r ON r.id = m.role_id",
        "tasks_membership",
        "id, organization_id, user_id, role",
    ),
    (
        "SELECT t.id, t.tenant_id, t.title, t.description, t.status, t.priority, t.due_date, "
        "t.owner_id, a.user_id, t.completed_at, t.created_at, t.updated_at FROM {task} t "
        "LEFT JOIN {membership} a ON a.id = t.assignee_id",
        "tasks_task",
        "id, organization_id, title, description, status, priority, due_date, owner_id, "
        "assignee_id, completed_at, created_at, updated_at",
    ),
)


def source_fingerprint() -> str:
    """A digest of the plain project's sources: its database is rebuilt when they change."""
    digest = hashlib.sha256()
    for path in sorted(SOURCE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(SOURCE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def make_project(target: Path = TARGET) -> Path:
    """A fresh project in *target*: ``startproject``'s layout, settings and middleware, plus
    the app, URLs and deployment settings of ``bench/plain_project``."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "django", "startproject", PROJECT, str(target)],
        check=True,
        env=_clean_environ(),
    )
    shutil.copytree(SOURCE / "tasks", target / "tasks", ignore=shutil.ignore_patterns("__py*"))
    shutil.copy(SOURCE / "urls.py", target / PROJECT / "urls.py")
    settings = target / PROJECT / "settings.py"
    settings.write_text(settings.read_text() + (SOURCE / "settings_tail.py-tpl").read_text())
    return target


def _clean_environ() -> dict[str, str]:
    """This process's environment without what points at OpsBase (settings, paths, URLs)."""
    drop = {"DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DATABASE_URL", "REDIS_URL"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def environment(target: Path, database_url: str, secret_key: str) -> dict[str, str]:
    """The environment the plain project's commands and gunicorn run in."""
    url = urlsplit(database_url)
    return {
        **_clean_environ(),
        "DJANGO_SETTINGS_MODULE": f"{PROJECT}.settings",
        "PYTHONPATH": str(target),
        "PLAIN_SECRET_KEY": secret_key,
        "PLAIN_DB_NAME": url.path.lstrip("/"),
        "PLAIN_DB_USER": url.username or "postgres",
        "PLAIN_DB_PASSWORD": url.password or "",
        "PLAIN_DB_HOST": url.hostname or "127.0.0.1",
        "PLAIN_DB_PORT": str(url.port or 5432),
    }


def manage(target: Path, env: dict[str, str], *args: str) -> str:
    """``manage.py`` of the plain project; its output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"plain project: manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def data_fingerprint(conn, tables: dict[str, str]) -> str:
    """What the copy depends on in OpsBase's database: counts and the highest ids of the
    generated rows (the tasks the benchmark's writes add are left out)."""
    task = tables["task"]
    row = conn.execute(
        f"SELECT (SELECT count(*) FROM {tables['tenant']}), (SELECT count(*) FROM "
        f"{tables['user']}), (SELECT count(*) FROM {tables['membership']}), count(*), "
        f"coalesce(max(id), 0) FROM {task} WHERE title NOT LIKE %s",
        [BENCH_TITLES],
    ).fetchone()
    return "-".join(str(v) for v in row)


def ensure_database(
    *,
    admin_url: str,
    name: str,
    source_url: str,
    tables: dict[str, str],
    target: Path,
    env: dict[str, str],
    log=print,
) -> bool:
    """The plain project's database *name*, migrated and holding a copy of the OpsBase data
    at *source_url*; rebuilt when the sources or that data changed. True when rebuilt."""
    import psycopg

    with psycopg.connect(source_url) as source:
        wanted = f"plain {source_fingerprint()} {data_fingerprint(source, tables)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None and row[0] == wanted:
            return False
        if row is not None:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    manage(target, env, "migrate", "--verbosity=0")
    base = admin_url.rsplit("/", 1)[0]
    copy_data(source_url, f"{base}/{name}", tables, log=log)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{wanted}'")
    return True


def copy_data(source_url: str, target_url: str, tables: dict[str, str], *, log=print) -> None:
    """OpsBase's organizations, users, memberships and tasks into the plain project's
    tables (``COPY`` out of one database, into the other), then the sequences and the
    planner's statistics."""
    import psycopg

    with (
        psycopg.connect(source_url) as source,
        psycopg.connect(target_url) as target,
    ):
        for query, table, columns in COPIES:
            select = query.format(**tables)
            rows = 0
            with (
                source.cursor().copy(f"COPY ({select}) TO STDOUT") as out,
                target.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as into,
            ):
                for block in out:
                    into.write(block)
                    rows += bytes(block).count(b"\n")
            log(f"  plain project: {rows:,} rows into {table}")
            target.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 1))"
            )
        target.commit()
    with psycopg.connect(target_url, autocommit=True) as target:
        target.execute("VACUUM (ANALYZE)")


TOKEN_LINE = re.compile(r"Generated token (\w+) for user")


def token_for(target: Path, env: dict[str, str], username: str) -> str:
    """A new DRF token of *username* (``drf_create_token``, as a developer makes one)."""
    output = manage(target, env, "drf_create_token", "--reset", username)
    found = TOKEN_LINE.search(output)
    if found is None:
        raise RuntimeError(f"plain project: no token in drf_create_token's output: {output!r}")
    return found.group(1)


COUNT_QUERIES = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

counts = []
for method, path, body, headers in json.loads({requests!r}):
    call = getattr(Client(HTTP_HOST="127.0.0.1", headers=headers), method.lower())
    args = (path, body, "application/json") if body else (path,)
    call(*args)
    with CaptureQueriesContext(connection) as queries:
        call(*args)
    counts.append(len(queries))
print(json.dumps(counts))
"""


def count_queries(target: Path, env: dict[str, str], requests) -> list[int]:
    """The queries each of *requests* (``bench.wrk.Request``) makes in the plain project,
    the second time it is sent (``{n}`` as 0), as the report's *Queries* column counts them."""
    rows = [[r.method, r.path, r.body.replace("{n}", "0"), dict(r.headers)] for r in requests]
    output = manage(target, env, "shell", "-c", COUNT_QUERIES.format(requests=json.dumps(rows)))
    # Django 5.2's shell may say first what it imported: the counts are the last line.
    return json.loads(output.strip().splitlines()[-1])


def forget_writes(database_url: str) -> None:
    """Delete the tasks earlier runs' creates added (they would grow the measured tenant)."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        conn.execute("DELETE FROM tasks_task WHERE title LIKE %s", [BENCH_TITLES])
