"""The benchmark's database is made again when it holds another scale's data."""

import types

import psycopg
import pytest
from bench.run import ensure_database
from django.db import connection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench's PostgreSQL"),
]


def _url(name: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def args():
    name = f"{connection.settings_dict['NAME']}_scale"
    made = types.SimpleNamespace(admin_url=_url("postgres"), database=name, regenerate=False)
    yield made
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _hold_tasks(args, count: int) -> None:
    with psycopg.connect(_url(args.database), autocommit=True) as conn:
        conn.execute("CREATE TABLE tasks_task (id integer)")
        conn.execute("INSERT INTO tasks_task SELECT generate_series(1, %s)", [count])


def test_a_database_of_this_runs_scale_is_kept_and_another_is_made_again(args):
    said: list[str] = []
    assert ensure_database(args, said.append, 3) is True  # created
    assert ensure_database(args, said.append, 3) is False  # no tasks yet: prepare() fills it
    _hold_tasks(args, 3)

    assert ensure_database(args, said.append, 3) is False  # the same scale: kept
    assert said == []
    assert ensure_database(args, said.append, 5) is True  # another scale: made again
    assert said == [
        f"{args.database} holds 3 tasks, this run measures 5",
        f"dropping {args.database}",
    ]


def test_regenerate_makes_it_again_whatever_it_holds(args):
    ensure_database(args, lambda _m: None, 3)
    _hold_tasks(args, 3)
    args.regenerate = True

    assert ensure_database(args, lambda _m: None, 3) is True


@pytest.mark.django_db(transaction=True)
def test_forget_writes_removes_the_runs_tasks_in_both_projects_and_vacuums(args):
    """Between phases the bench removes what its creates added (a later phase measures the
    generated tenant, not one its writes grew) and vacuums, as autovacuum would."""
    from bench.generate import generate
    from bench.run import forget_writes
    from bench.scale import Scale

    from opsbase.modules.tasks.models import Task

    generate(Scale(tenants=2, users=4, tasks=10), log=lambda _message: None)
    kept = set(Task.objects.unscoped().values_list("pk", flat=True))
    tenant = Task.objects.unscoped().first().tenant
    for n in range(3):
        Task.objects.unscoped().create(tenant=tenant, title=f"Bench task {n}")
    Task.objects.unscoped().create(tenant=tenant, title="Bench tasks are not this one")
    ensure_database(args, lambda _m: None, 3)  # stands for the plain project's database
    plain_url = _url(args.database)
    with psycopg.connect(plain_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE tasks_task (id serial, title text)")
        conn.execute("INSERT INTO tasks_task (title) VALUES ('Bench task 7'), ('Mine')")
    ours = types.SimpleNamespace(
        admin_url=args.admin_url, database=connection.settings_dict["NAME"]
    )
    said: list[str] = []

    forget_writes(ours, plain_url, said.append)

    titles = set(Task.objects.unscoped().exclude(pk__in=kept).values_list("title", flat=True))
    assert titles == {"Bench tasks are not this one"}
    assert Task.objects.unscoped().filter(pk__in=kept).count() == len(kept)
    with psycopg.connect(plain_url, autocommit=True) as conn:
        assert conn.execute("SELECT title FROM tasks_task").fetchall() == [("Mine",)]
        vacuumed = conn.execute(
            "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'tasks_task'"
        ).fetchone()
    assert vacuumed == (True,)
    assert said == ["  removed the runs' writes (3 rows) and vacuumed the task tables"]
