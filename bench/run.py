"""``make bench``: load OpsBase and a plain Django + DRF project with wrk and report ratios
measured in one run.

Steps: create (or reuse) the PostgreSQL database ``opsbase_bench``, migrate, generate the data
(1,000 tenants, 10,000 users, 1,000,000 tasks; ``--quick`` for a tenth), generate the plain
project (``bench/plain.py``) with its own database holding a copy of that data, then:

1. caches on: OpsBase (prod settings, row-level security in effect) and the plain project
   take turns on each endpoint, in rounds that run hello-world and each read once; then the
   writes; then the mixed scenario on OpsBase (``bench/mixed.py``);
2. computed in full: caches off, OpsBase with row-level security on and off and the plain
   project take turns on hello-world, the task list API and the task list page, again in
   rounds that run each of the three once.

Timeouts, socket errors and answers other than 2xx are errors (``bench/wrk.py``). The report
(``bench/report.py``) goes to stdout and to ``docs/performance.md`` (quick runs: to
``bench/.logs/performance-quick.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import plain
from . import wrk as wrk_run
from .report import Endpoint, Run, render
from .wrk import Request, request_file

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
REPORT = ROOT / "docs" / "performance.md"
QUICK_REPORT = BENCH / ".logs" / "performance-quick.md"
HOST = "127.0.0.1"
# The mixed scenario's members: every member of this many organizations (the measured one
# first), ten each with the generated data: an Admin, a Manager and eight Users.
MIXED_TENANTS = 20
WARM_UP_SECONDS = 2


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, one turn")
    parser.add_argument(
        "--duration",
        type=int,
        default=None,
        help="seconds per endpoint and server, shared by the rounds",
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="rounds (turns per endpoint and server)"
    )
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--timeout", type=int, default=5, help="seconds after which a request is an error"
    )
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL superuser connection used to create the databases",
    )
    parser.add_argument("--database", default="opsbase_bench")
    parser.add_argument("--regenerate", action="store_true", help="drop and refill the data")
    parser.add_argument("--no-report", action="store_true", help="write no report file")
    parser.add_argument("--report", type=Path, default=None, help="where to write the report")
    return parser.parse_args(argv)


def slice_seconds(seconds: int, rounds: int, timeout: int) -> int:
    """The length of one turn: the endpoint's seconds shared by the turns, but long enough
    that a request sent at its start can time out within it (and be counted)."""
    return max(seconds // max(rounds, 1), timeout + 2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def environment(args) -> dict[str, str]:
    admin = args.admin_url.rsplit("/", 1)[0]
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "DATABASE_URL": f"{admin}/{args.database}",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "STATIC_ROOT": str(BENCH / ".static"),
        "OPSBASE_LOG_DIR": str(BENCH / ".logs"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }


def held_tasks(args) -> int | None:
    """How many tasks the benchmark's database holds (None: no tasks table yet)."""
    import psycopg

    url = f"{args.admin_url.rsplit('/', 1)[0]}/{args.database}"
    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('tasks_task')").fetchone()[0] is None:
            return None
        return conn.execute("SELECT count(*) FROM tasks_task").fetchone()[0]


def ensure_database(args, log, tasks: int) -> bool:
    """Create the database when missing, when ``--regenerate``, or when it holds another
    number of tasks than this run's scale (*tasks*: ``make bench`` after
    ``make bench-quick`` measures the full data set); True when it is new."""
    import psycopg

    with psycopg.connect(args.admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.database]
        ).fetchone()
        held = held_tasks(args) if exists and not args.regenerate else None
        other_scale = bool(held) and held != tasks  # no tasks yet: filled by prepare()
        if other_scale:
            log(f"{args.database} holds {held:,} tasks, this run measures {tasks:,}")
        if exists and (args.regenerate or other_scale):
            log(f"dropping {args.database}")
            conn.execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{args.database}"')
            return True
    return False


APP_ROLE = "opsbase_bench_app"
APP_PASSWORD = "opsbase-bench"  # noqa: S105 - a local, throw-away benchmark role


def ensure_app_role(args) -> str:
    """An ordinary role (not a superuser, no BYPASSRLS) for the app, as a deployment has, so
    that row-level security is in effect; returns its database URL."""
    import psycopg

    admin = args.admin_url.rsplit("/", 1)[0]
    with psycopg.connect(f"{admin}/{args.database}", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone()
        if not exists:
            conn.execute(
                f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{APP_PASSWORD}'"
            )
        for statement in (
            f'GRANT CONNECT ON DATABASE "{args.database}" TO {APP_ROLE}',
            f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}",
        ):
            conn.execute(statement)
    scheme, rest = admin.split("://", 1)
    host = rest.rsplit("@", 1)[-1]
    return f"{scheme}://{APP_ROLE}:{APP_PASSWORD}@{host}/{args.database}"


# The writes: every request a new task, or another of the tenant's tasks edited in turn.
CREATE_BODY = '{"title": "Bench task {n}", "priority": "normal"}'
UPDATE_BODY = '{"priority": "high", "description": "edited {n}"}'
JSON = ("Content-Type", "application/json")


def send(client, request: Request):
    """*request* through Django's test client (``{n}`` as 0), as wrk would send it."""
    headers = dict(request.headers)
    kwargs: dict = {"secure": True, "headers": {k: v for k, v in headers.items() if k != JSON[0]}}
    data = request.body.replace("{n}", "0") if request.body else None
    if data:
        kwargs["content_type"] = headers.get(JSON[0], JSON[1])
    return getattr(client, request.method.lower())(request.path, data, **kwargs)


@dataclass
class Prepared:
    endpoints: list[Endpoint]
    mixed: Endpoint
    mixed_queues: list[list[Request]]
    mixed_plan: dict
    task_ids: list[int]
    tenant_tasks: int
    total_tasks: int
    tables: dict[str, str] = field(default_factory=dict)


def prepare(args, scale, log) -> Prepared:
    """Migrate, fill, and build the requests of the load runs (checked to answer 2xx)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from bench import generate as gen
    from bench import mixed
    from opsbase.api.models import ApiToken
    from opsbase.kernel.accounts.models import User
    from opsbase.kernel.roles.models import Role
    from opsbase.kernel.tenants.models import Membership, Tenant
    from opsbase.modules.tasks.models import Task

    call_command("migrate", verbosity=0)
    if gen.existing_tasks() == 0:
        started = time.monotonic()
        gen.generate(scale, log=lambda m: log(f"  generate: {m}"))
        log(f"  data generated in {time.monotonic() - started:.0f} s")
    call_command("collectstatic", interactive=False, verbosity=0)

    tenant = Tenant.objects.get(slug="bench")
    # Writes of earlier runs would grow the tenants past their generated tasks; their tokens
    # would pile up.
    Task.objects.unscoped().filter(title__startswith="Bench task ").delete()
    ApiToken.objects.unscoped().filter(name__startswith="bench ").delete()
    stamp = f"bench {dt.datetime.now(dt.UTC):%H%M%S}"
    admin = (
        Membership.objects.for_tenant(tenant)
        .select_related("user", "role")
        .get(user__email="u0@t0.bench")
    )
    (member,) = mixed.sign_in([admin], name=stamp)
    task_ids = list(
        Task.objects.for_tenant(tenant).order_by("pk").values_list("pk", flat=True)[:500]
    )
    api_list = reverse("api:task-list")
    token, session = member.headers["token"], member.headers["session"]
    endpoints = [
        Endpoint("hello", "hello-world view", [Request("hello", "GET", reverse("bench_hello"))]),
        Endpoint(
            "api_list",
            "task list API, 50 rows",
            [Request("api_list", "GET", f"{api_list}?page_size=50", "", token)],
        ),
        Endpoint(
            "page",
            "task list page, 50 rows",
            [Request("page", "GET", f"{reverse('tasks:task_all')}?page_size=50", "", session)],
        ),
        Endpoint(
            "create",
            "task create (API)",
            [Request("create", "POST", api_list, CREATE_BODY, (*token, JSON))],
        ),
        Endpoint(
            "update",
            "task update (API, PATCH)",
            [
                Request(
                    "update",
                    "PATCH",
                    reverse("api:task-detail", args=[pk]),
                    UPDATE_BODY,
                    (*token, JSON),
                )
                for pk in task_ids
            ],
        ),
        Endpoint("dashboard", "dashboard page", [Request("dashboard", "GET", "/", "", session)]),
    ]
    for ep in endpoints:
        request = ep.requests[0]
        http = Client(HTTP_HOST=HOST)
        send(http, request)  # warm caches (token last-used stamp, templates)
        with CaptureQueriesContext(connection) as queries:
            response = send(http, request)
        if not 200 <= response.status_code < 300:
            raise SystemExit(
                f"bench: {request.method} {request.path} answered {response.status_code} "
                f"before the load run: {response.content[:300]!r}"
            )
        ep.queries = len(queries)
        # The same request computed in full (list and token caches off): the query budget.
        with (
            override_settings(OPSBASE_LIST_CACHE=False, OPSBASE_AUTH_CACHE_TIMEOUT=0),
            CaptureQueriesContext(connection) as queries,
        ):
            send(http, request)
        ep.queries_uncached = len(queries)

    log(f"mixed scenario: signing in the members of {MIXED_TENANTS} organizations")
    tenants = [tenant.pk] + list(
        Tenant.objects.exclude(pk=tenant.pk)
        .order_by("pk")
        .values_list("pk", flat=True)[: MIXED_TENANTS - 1]
    )
    memberships = (
        Membership.objects.unscoped()
        .filter(tenant_id__in=tenants, is_active=True)
        .select_related("user", "role", "tenant")
        .order_by("tenant_id", "pk")
    )
    members = mixed.sign_in(list(memberships), name=stamp)
    rng = random.Random(4)  # noqa: S311 - a reproducible mix, not a secret
    plan = mixed.plan(members, rng=rng, queue_lengths=(400, 2000, 1))
    # One request of each kind sent here: the load run would only count its failures. The
    # transition is the spare third queue's, never sent by wrk.
    for label in ("api_list", "page", "create", "update"):
        request = next(r for r in plan.slots if r.label == label)
        response = send(Client(HTTP_HOST=HOST), request)
        if not 200 <= response.status_code < 300:
            raise SystemExit(
                f"bench: the mixed scenario's {request.method} {request.path} answered "
                f"{response.status_code}: {response.content[:300]!r}"
            )
    for request in plan.queues[2]:
        response = send(Client(HTTP_HOST=HOST), request)
        if response.status_code != 200:
            raise SystemExit(
                f"bench: the mixed scenario's transition {request.path} {request.body} "
                f"answered {response.status_code}: {response.content[:300]!r}"
            )
    mixed_endpoint = Endpoint(
        "mixed",
        f"mixed: {mixed.WRITE_SHARE:.0%} writes, varied filters, sorts and pages",
        plan.slots,
        order="random",
    )
    Task.objects.unscoped().filter(title__startswith="Bench task ").delete()
    return Prepared(
        endpoints=endpoints,
        mixed=mixed_endpoint,
        mixed_queues=plan.queues[:2],
        mixed_plan={"members": plan.members, "tenants": plan.tenants, "kinds": plan.kinds},
        task_ids=task_ids,
        tenant_tasks=Task.objects.for_tenant(tenant).count(),
        total_tasks=gen.existing_tasks(),
        tables={
            "tenant": Tenant._meta.db_table,
            "user": User._meta.db_table,
            "membership": Membership._meta.db_table,
            "role": Role._meta.db_table,
            "task": Task._meta.db_table,
        },
    )


def plain_endpoints(token: str, task_ids: list[int]) -> list[Endpoint]:
    auth = (("Authorization", f"Token {token}"),)
    return [
        Endpoint("plain_hello", "hello-world view", [Request("hello", "GET", "/hello/")]),
        Endpoint(
            "plain_list",
            "task list, 50 rows",
            [Request("list", "GET", "/api/tasks/", "", auth)],
        ),
        Endpoint(
            "plain_create",
            "task create",
            [Request("create", "POST", "/api/tasks/", CREATE_BODY, (*auth, JSON))],
        ),
        Endpoint(
            "plain_update",
            "task update (PATCH)",
            [
                Request("update", "PATCH", f"/api/tasks/{pk}/", UPDATE_BODY, (*auth, JSON))
                for pk in task_ids
            ],
        ),
    ]


@dataclass
class Server:
    key: str
    app: str  # the WSGI module
    cwd: Path
    env: dict[str, str]
    hello: str  # the path drained on between turns
    port: int = 0
    process: subprocess.Popen | None = None


def start(server: Server, workers: int) -> None:
    server.port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server.process = subprocess.Popen(
        [
            str(gunicorn),
            server.app,
            f"--workers={workers}",
            f"--bind={HOST}:{server.port}",
            "--worker-class=sync",
            "--backlog=2048",
            "--log-level=warning",
        ],
        cwd=server.cwd,
        env=server.env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, server.port), timeout=0.5):
                return
        except OSError:
            if server.process.poll() is not None:
                raise SystemExit(f"bench: the {server.key} gunicorn exited at start-up") from None
            time.sleep(0.2)
    stop([server])
    raise SystemExit(f"bench: the {server.key} gunicorn did not answer within 30 s")


def stop(servers: list[Server]) -> None:
    for server in servers:
        if server.process is not None and server.process.poll() is None:
            server.process.terminate()
    for server in servers:
        if server.process is not None:
            try:
                server.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()
        server.process = None


def http_send(server: Server, request: Request, timeout: float = 60) -> tuple[int, bytes]:
    """*request* to *server* over HTTP, as wrk sends it."""
    conn = http.client.HTTPConnection(HOST, server.port, timeout=timeout)
    try:
        body = request.body.replace("{n}", "0").encode() if request.body else None
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", **dict(request.headers)}
        conn.request(request.method, request.path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def drain(server: Server) -> None:
    """Wait until *server* has finished what wrk left unanswered: its hello-world answers
    at once (requests abandoned at the end of a turn still occupy the workers)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            http_send(server, Request("drain", "GET", server.hello), timeout=120)
        except OSError:
            time.sleep(0.5)
            continue
        if time.monotonic() - started < 0.5:
            return


class Load:
    """wrk runs against running servers, with the run's settings."""

    def __init__(self, args, work: Path, log):
        self.args, self.work, self.log = args, work, log
        self.rounds = args.rounds or (1 if args.quick else 5)
        seconds = args.duration or (5 if args.quick else 35)
        self.slice = slice_seconds(seconds, self.rounds, args.timeout)

    def file(self, server: Server, ep: Endpoint, queue=(), name: str = "") -> Path:
        path = self.work / f"{server.key}-{name or ep.key}.txt"
        path.write_text(request_file(ep.requests, order=ep.order, queue=queue))
        return path

    def wrk(self, server: Server, path: Path, seconds: int, seed: int = 1) -> dict:
        result = wrk_run.run(
            f"http://{HOST}:{server.port}",
            path,
            seconds=seconds,
            connections=self.args.connections,
            timeout=self.args.timeout,
            seed=seed,
        )
        drain(server)
        return result

    def check(self, server: Server, ep: Endpoint) -> None:
        status, body = http_send(server, ep.requests[0])
        if not 200 <= status < 300:
            raise SystemExit(
                f"bench: {server.key} answered {ep.requests[0].path} with {status}: {body[:300]!r}"
            )

    def turns(self, *groups: dict[str, tuple[Server, Endpoint]]) -> None:
        """The endpoints of *groups* (each group one endpoint, one per server) measured in
        turns. Each round runs every group once, so that hello-world's turns sit between the
        other endpoints' turns: a change in the machine's speed during the phase reaches the
        numerator and the denominator of a ratio alike."""
        files: list[dict[str, Path]] = []
        for group in groups:
            label = next(iter(group.values()))[1].label
            self.log(f"{label}: warm-up on " + ", ".join(group))
            files.append({key: self.file(server, ep) for key, (server, ep) in group.items()})
            for key, (server, ep) in group.items():
                self.check(server, ep)
                self.wrk(server, files[-1][key], WARM_UP_SECONDS)
        self.log(
            f"{self.rounds} rounds, each {len(groups)} endpoint(s) × {self.slice} s per server"
        )
        runs: list[dict[str, list[dict]]] = [{key: [] for key in group} for group in groups]
        for turn in range(self.rounds):
            for group, paths, done in zip(groups, files, runs, strict=True):
                order = list(group)
                for key in order if turn % 2 == 0 else reversed(order):
                    done[key].append(self.wrk(group[key][0], paths[key], self.slice))
        for group, done in zip(groups, runs, strict=True):
            for key, (_server, ep) in group.items():
                ep.result = wrk_run.combine(done[key])
                self.log(f"  {ep.label} on {key}: {summary(ep.result)}")


def summary(r: dict) -> str:
    return (
        f"{r['rps']:,.0f} req/s  p50 {r['p50_ms']:.1f} ms  p95 {r['p95_ms']:.1f} ms  "
        f"p99 {r['p99_ms']:.1f} ms  errors {r['errors']}"
        + (f"  first error: {r['sample_error']}" if r["sample_error"] else "")
    )


def machine(args) -> dict[str, str]:
    import django
    import psycopg
    import rest_framework

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    with psycopg.connect(args.admin_url) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    words = (version.stdout or version.stderr).split()
    return {
        "CPU": f"{os.cpu_count()} × {cpu}",
        "Memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "DRF": rest_framework.VERSION,
        "PostgreSQL": pg,
        "wrk": words[1] if len(words) > 1 else "?",
    }


def _interrupted(signum, _frame):
    # An ordinary exit, so that the servers started are stopped on the way out.
    raise SystemExit(128 + signum)


def forget_writes(args, plain_url: str, log) -> None:
    """Remove the tasks the load runs created, in OpsBase's database and the plain project's,
    and vacuum both task tables, so that the next phase measures the generated data (the
    measured tenant's ~1,000 tasks, as the report says) and not the thousands of tasks the
    previous phase's creates added to it. The vacuum is what autovacuum does on a table in
    use: without it, the rows just written and removed cost every count an index-only scan's
    heap look-ups (6,274 of 6,542 for the measured tenant after the cached phase). Index
    cleanup is forced: PostgreSQL skips it when under 2% of the pages hold dead rows, and
    the pages then stay out of the visibility map (941 look-ups for 1,000 rows)."""
    import psycopg

    from opsbase.modules.tasks.models import Task

    removed, _ = Task.objects.unscoped().filter(title__startswith="Bench task ").delete()
    plain.forget_writes(plain_url)
    admin = args.admin_url.rsplit("/", 1)[0]
    for url in (f"{admin}/{args.database}", plain_url):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE, INDEX_CLEANUP ON) tasks_task")
    log(f"  removed the runs' writes ({removed:,} rows) and vacuumed the task tables")


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupted)
    from bench.scale import Scale

    scale = Scale(100, 1_000, 100_000) if args.quick else Scale()

    def log(message: str) -> None:
        print(message, flush=True)

    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed (apt-get install wrk)")
    env = environment(args)
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    (BENCH / ".logs").mkdir(exist_ok=True)
    if ensure_database(args, log, scale.tasks):
        log(f"created database {args.database}")
    prepared = prepare(args, scale, log)
    info = machine(args)

    log("plain Django + DRF project: generating it and its database")
    base = args.admin_url.rsplit("/", 1)[0]
    plain_db = f"{args.database}_plain"
    target = plain.make_project()
    plain_env = plain.environment(target, f"{base}/{plain_db}", secrets.token_urlsafe(50))
    plain.manage(target, plain_env, "makemigrations", "tasks", "--verbosity=0")
    if plain.ensure_database(
        admin_url=args.admin_url,
        name=plain_db,
        source_url=f"{base}/{args.database}",
        tables=prepared.tables,
        target=target,
        env=plain_env,
        log=log,
    ):
        log(f"  copied the data into {plain_db}")
    plain_token = plain.token_for(target, plain_env, "u0@t0.bench")
    plain_eps = plain_endpoints(plain_token, prepared.task_ids)
    counts = plain.count_queries(target, plain_env, [ep.requests[0] for ep in plain_eps])
    for ep, count in zip(plain_eps, counts, strict=True):
        ep.queries = count
    plain.forget_writes(f"{base}/{plain_db}")

    app_env = {**os.environ, **env, "DATABASE_URL": ensure_app_role(args)}
    # Served with the caches off: what a request costs when computed in full, with row-level
    # security in effect (the app role) and without it (a superuser, the policy switched off).
    uncached = {"OPSBASE_LIST_CACHE": "false", "OPSBASE_AUTH_CACHE_TIMEOUT": "0"}
    hello = prepared.endpoints[0].requests[0].path

    def opsbase(key: str, server_env: dict[str, str]) -> Server:
        return Server(key, "bench.wsgi", ROOT, server_env, hello)

    def plain_server() -> Server:
        return Server("plain", f"{plain.PROJECT}.wsgi", target, plain_env, "/hello/")

    work = Path(tempfile.mkdtemp(prefix="opsbase-bench-"))
    load = Load(args, work, log)
    by = {ep.key: ep for ep in [*prepared.endpoints, *plain_eps]}
    load_before = os.getloadavg()[0]
    servers: list[Server] = []
    try:
        log("caches on: OpsBase (prod settings, row-level security in effect) and plain DRF")
        ops, flat = opsbase("opsbase", app_env), plain_server()
        servers = [ops, flat]
        for server in servers:
            start(server, args.workers)

        def pair(mine: str, theirs: str | None) -> dict[str, tuple[Server, Endpoint]]:
            group = {"opsbase": (ops, by[mine])}
            if theirs:
                group["plain"] = (flat, by[theirs])
            return group

        # The reads take turns with hello-world; the writes follow, each on its own (a create
        # turn between two list turns would make the lists' caches miss).
        load.turns(
            pair("hello", "plain_hello"),
            pair("api_list", "plain_list"),
            pair("page", None),
            pair("dashboard", None),
        )
        load.turns(pair("create", "plain_create"))
        load.turns(pair("update", "plain_update"))
        forget_writes(args, f"{base}/{plain_db}", log)

        mixed = prepared.mixed
        mixed_seconds = load.slice * load.rounds
        log(f"{mixed.label}: warm-up, then {mixed_seconds} s on opsbase")
        warm, measured = prepared.mixed_queues
        load.wrk(ops, load.file(ops, mixed, warm, "mixed-warm"), WARM_UP_SECONDS, seed=1)
        mixed.result = load.wrk(ops, load.file(ops, mixed, measured), mixed_seconds, seed=2)
        log(f"  {summary(mixed.result)}")
        stop(servers)
        forget_writes(args, f"{base}/{plain_db}", log)

        log("computed in full (caches off): row-level security on, off, and plain DRF")
        on = opsbase("rls_on", {**app_env, **uncached})
        off = opsbase("rls_off", {**os.environ, **env, **uncached, "OPSBASE_POSTGRES_RLS": "false"})
        flat = plain_server()
        servers = [on, off, flat]
        for server in servers:
            start(server, args.workers)
        variants = {key: [] for key in ("rls_on", "rls_off")}
        plain_computed: list[Endpoint] = []
        groups = []
        for mine, theirs in (("hello", "plain_hello"), ("api_list", "plain_list"), ("page", None)):
            group = {}
            for server in (on, off):
                ep = Endpoint(
                    mine, by[mine].label, by[mine].requests, queries=by[mine].queries_uncached
                )
                variants[server.key].append(ep)
                group[server.key] = (server, ep)
            if theirs:
                ep = Endpoint(
                    theirs, by[theirs].label, by[theirs].requests, queries=by[theirs].queries
                )
                plain_computed.append(ep)
                group["plain"] = (flat, ep)
            groups.append(group)
        load.turns(*groups)
    finally:
        stop(servers)
        shutil.rmtree(work, ignore_errors=True)

    info["Load average (1 min) before / after the load runs"] = (
        f"{load_before:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; other "
        "processes on the machine (test runs) take CPU from the servers and wrk alike, so "
        "figures of separate servers vary more than ratios within one"
    )
    run = Run(
        endpoints=prepared.endpoints,
        plain=plain_eps,
        mixed=prepared.mixed,
        mixed_plan=prepared.mixed_plan,
        variants=[
            ("caches off, row-level security on", variants["rls_on"]),
            ("caches off, row-level security off", variants["rls_off"]),
        ],
        plain_computed=plain_computed,
        connections=args.connections,
        workers=args.workers,
        rounds=load.rounds,
        slice_seconds=load.slice,
        timeout=args.timeout,
        quick=args.quick,
        when=f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        data=(
            f"{scale.tenants:,} tenants, {scale.users:,} users, {prepared.total_tasks:,} "
            f"tasks; the measured tenant has {prepared.tenant_tasks:,} tasks."
        ),
        info=info,
    )
    report = render(run)
    print()
    print(report)
    if not args.no_report:
        path = args.report or (QUICK_REPORT if args.quick else REPORT)
        path.write_text(report)
        log(f"written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
