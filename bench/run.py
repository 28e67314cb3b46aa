"""``make bench``: load OpsBase's endpoints with wrk and report ratios measured in one run.

Steps: create (or reuse) the PostgreSQL database ``opsbase_bench``, migrate, generate the data
(1,000 tenants, 10,000 users, 1,000,000 tasks; ``--quick`` for a tenth), start gunicorn with
the prod settings, then for every endpoint a warm-up and a timed wrk run at 100 connections.
Every figure is divided by the hello-world view's and, for the task list, create and update,
by the plain-DRF baseline's of the same operation, all served by the same gunicorn in the same
run. The report goes to stdout and to
``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
REPORT = ROOT / "docs" / "performance.md"
HOST = "127.0.0.1"


@dataclass
class Endpoint:
    key: str
    label: str
    path: str
    auth: str  # "token", "session" or ""
    method: str = "GET"
    body: str = ""
    paths: list[str] = field(default_factory=list)
    queries: int | None = None
    queries_uncached: int | None = None
    result: dict = field(default_factory=dict)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, 5 s runs")
    parser.add_argument("--duration", type=int, default=None, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL superuser connection used to create the database",
    )
    parser.add_argument("--database", default="opsbase_bench")
    parser.add_argument("--regenerate", action="store_true", help="drop and refill the data")
    parser.add_argument("--no-report", action="store_true", help="do not write the docs page")
    return parser.parse_args(argv)


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


def ensure_database(args, scale, log) -> bool:
    """Create the database when missing (or when ``--regenerate``); True when it is new."""
    import psycopg

    with psycopg.connect(args.admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.database]
        ).fetchone()
        if exists and args.regenerate:
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


def prepare(args, scale, log):
    """Migrate, fill, and return the credentials and ids the load run needs."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench import generate as gen
    from opsbase.api.services import api_token_create
    from opsbase.kernel.tenants.models import Membership, Tenant
    from opsbase.kernel.tenants.selectors import SESSION_KEY
    from opsbase.modules.tasks.models import Task

    call_command("migrate", verbosity=0)
    if gen.existing_tasks() == 0:
        started = time.monotonic()
        gen.generate(scale, log=lambda m: log(f"  generate: {m}"))
        log(f"  data generated in {time.monotonic() - started:.0f} s")
    call_command("collectstatic", interactive=False, verbosity=0)

    tenant = Tenant.objects.get(slug="bench")
    # Writes of earlier runs would grow the bench tenant past its 1,000 tasks.
    Task.objects.for_tenant(tenant).filter(title__startswith="Bench task ").delete()
    admin = (
        Membership.objects.for_tenant(tenant)
        .select_related("user", "role")
        .get(user__email="u0@t0.bench")
    )
    _token, raw = api_token_create(membership=admin, name=f"bench {dt.datetime.now(dt.UTC):%H%M%S}")
    client = Client()
    client.force_login(admin.user)
    session = client.session
    session[SESSION_KEY] = tenant.pk
    session.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    task_ids = list(
        Task.objects.for_tenant(tenant).order_by("pk").values_list("pk", flat=True)[:500]
    )
    tenant_tasks = Task.objects.for_tenant(tenant).count()
    total_tasks = gen.existing_tasks()

    endpoints = build_endpoints(task_ids)
    headers = {"token": {"HTTP_AUTHORIZATION": f"Token {raw}"}, "session": {}, "": {}}
    for ep in endpoints:
        http = Client(HTTP_HOST=HOST)
        if ep.auth == "session":
            http.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        call = getattr(http, ep.method.lower())
        path = ep.paths[0] if ep.paths else ep.path
        data = ep.body.replace("{n}", "0") if ep.body else None
        kwargs = {"secure": True, **headers[ep.auth]}
        if data:
            kwargs["content_type"] = "application/json"
        call(path, data, **kwargs)  # warm caches (token last-used stamp, templates)
        with CaptureQueriesContext(connection) as queries:
            response = call(path, data, **kwargs)
        if response.status_code >= 400:
            raise SystemExit(
                f"bench: {ep.method} {path} answered {response.status_code} before the load "
                f"run: {response.content[:300]!r}"
            )
        ep.queries = len(queries)
        # The same request computed in full (list and token caches off): the query budget.
        with (
            override_settings(OPSBASE_LIST_CACHE=False, OPSBASE_AUTH_CACHE_TIMEOUT=0),
            CaptureQueriesContext(connection) as queries,
        ):
            call(path, data, **kwargs)
        ep.queries_uncached = len(queries)
    Task.objects.for_tenant(tenant).filter(title__startswith="Bench task ").delete()
    return endpoints, raw, cookie, tenant_tasks, total_tasks


# The references figures are divided by (bench/views.py), not OpsBase endpoints.
BASELINES = ("hello", "baseline", "baseline_create", "baseline_update")
# Each OpsBase endpoint compared with a plain-DRF baseline, and that baseline.
VERSUS = {"api_list": "baseline", "create": "baseline_create", "update": "baseline_update"}


def versus(ep: Endpoint, by: dict[str, Endpoint]) -> str:
    """*ep*'s requests/s over its plain-DRF baseline's ("1.00×" for a baseline itself)."""
    key = VERSUS.get(ep.key, ep.key if ep.key in BASELINES and ep.key != "hello" else None)
    if key is None or key not in by:
        return ""
    return f"{ep.result['rps'] / by[key].result['rps']:.2f}×"


def short_label(ep: Endpoint) -> str:
    """*ep*'s label up to its details: "task create (API)" -> "task create"."""
    return re.split(r",| \(", ep.label, maxsplit=1)[0]


# The writes: every request a new task, or another of the tenant's tasks edited in turn.
CREATE_BODY = '{"title": "Bench task {n}", "priority": "normal"}'
UPDATE_BODY = '{"priority": "high", "description": "edited {n}"}'


def _create(key: str, label: str, path: str) -> Endpoint:
    return Endpoint(key, label, path, "token", method="POST", body=CREATE_BODY)


def _update(key: str, label: str, url_name: str, task_ids: list[int]) -> Endpoint:
    from django.urls import reverse

    paths = [reverse(url_name, args=[pk]) for pk in task_ids]
    return Endpoint(key, label, paths[0], "token", method="PATCH", body=UPDATE_BODY, paths=paths)


def build_endpoints(task_ids: list[int]) -> list[Endpoint]:
    from django.urls import reverse

    api_list = reverse("api:task-list")
    return [
        Endpoint("hello", "hello-world view (baseline)", reverse("bench_hello"), ""),
        Endpoint(
            "baseline",
            "plain DRF task list, 50 rows (baseline)",
            reverse("bench_baseline"),
            "token",
        ),
        Endpoint("api_list", "task list API, 50 rows", f"{api_list}?page_size=50", "token"),
        Endpoint(
            "page",
            "task list page, 50 rows",
            f"{reverse('tasks:task_all')}?page_size=50",
            "session",
        ),
        _create("baseline_create", "plain DRF task create (baseline)", reverse("bench_create")),
        _create("create", "task create (API)", api_list),
        _update(
            "baseline_update", "plain DRF task update, PATCH (baseline)", "bench_update", task_ids
        ),
        _update("update", "task update (API, PATCH)", "api:task-detail", task_ids),
        Endpoint("dashboard", "dashboard page", reverse("web:home"), "session"),
    ]


def wrk(ep: Endpoint, *, port: int, seconds: int, connections: int, token: str, cookie: str):
    env = {**os.environ, "BENCH_METHOD": ep.method}
    if ep.body:
        env["BENCH_BODY"] = ep.body
    if ep.paths:
        env["BENCH_PATHS"] = ";".join(ep.paths)
    if ep.auth == "token":
        env["BENCH_AUTH"] = f"Token {token}"
    elif ep.auth == "session":
        env["BENCH_COOKIE"] = cookie
    cmd = [
        "wrk",
        f"-t{min(4, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "load.lua"),
        f"http://{HOST}:{port}{ep.path}",
    ]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(ln for ln in out.splitlines() if ln.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


# The servers measured side by side take this many turns per endpoint.
SIDE_BY_SIDE_ROUNDS = 3


def slice_seconds(seconds: int) -> int:
    """The length of one turn, so that a server's turns add up to about *seconds*."""
    return max(2, seconds // SIDE_BY_SIDE_ROUNDS)


def combine(slices: list[dict]) -> dict:
    """One result from wrk runs of the same endpoint and server taken in turns: requests over
    time for the throughput, the median of the slices' p50s and p95s, the worst slice's p99
    and max."""
    requests = sum(r["requests"] for r in slices)
    duration = sum(r["seconds"] for r in slices)
    middle = len(slices) // 2
    return {
        "requests": requests,
        "seconds": duration,
        "rps": requests / duration,
        "p50_ms": sorted(r["p50_ms"] for r in slices)[middle],
        "p95_ms": sorted(r["p95_ms"] for r in slices)[middle],
        "p99_ms": max(r["p99_ms"] for r in slices),
        "max_ms": max(r["max_ms"] for r in slices),
        "socket_errors": sum(r["socket_errors"] for r in slices),
        "http_errors": sum(r["http_errors"] for r in slices),
        "non_2xx_3xx": sum(r["non_2xx_3xx"] for r in slices),
        "sample_error": next((r["sample_error"] for r in slices if r["sample_error"]), ""),
    }


def start_gunicorn(env, port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(  # noqa: S603
        [
            str(gunicorn),
            "bench.wsgi",
            f"--workers={workers}",
            f"--bind={HOST}:{port}",
            "--worker-class=sync",
            "--backlog=2048",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("bench: gunicorn exited at start-up") from None
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("bench: gunicorn did not answer within 30 s")


def machine() -> dict[str, str]:
    import django
    import rest_framework
    from django.db import connection

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
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)  # noqa: S607
    return {
        "CPU": f"{os.cpu_count()} × {cpu}",
        "Memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "DRF": rest_framework.VERSION,
        "PostgreSQL": pg,
        "wrk": (wrk_version.stdout or wrk_version.stderr).split()[1]
        if (wrk_version.stdout or wrk_version.stderr)
        else "?",
    }


def _queries(ep: Endpoint) -> str:
    if ep.queries_uncached is None or ep.queries_uncached == ep.queries:
        return str(ep.queries)
    return f"{ep.queries} ({ep.queries_uncached} computed)"


def _variant_lines(variants, baseline: float) -> list[str]:
    lines = []
    api_share = {}
    for title, eps in variants:
        hello = eps[0].result["rps"]
        lines += [
            f"### {title.capitalize()}",
            "",
            "| Endpoint | Requests/s | vs hello-world | vs plain DRF | p50 ms | p99 ms | Errors "
            "| Queries |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for ep in eps:
            r = ep.result
            vs_baseline = f"{r['rps'] / baseline:.2f}×" if ep.key.endswith("api_list") else ""
            lines.append(
                f"| {ep.label} | {r['rps']:,.0f} | {r['rps'] / hello:.1%} | {vs_baseline} "
                f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
                f"| {r['socket_errors'] + r['http_errors']} | {ep.queries} |"
            )
            if ep.key.endswith("api_list"):
                api_share[title] = r["rps"] / hello
        lines.append("")
    if len(api_share) == 2:
        (on_title, on), (off_title, off) = api_share.items()
        cost = 1 - on / off
        if cost >= RLS_NOISE:
            verdict = f"Row-level security costs the computed task list API {cost:.1%}"
        elif cost > -RLS_NOISE:
            verdict = (
                "Row-level security made no difference beyond this machine's noise (±"
                f"{RLS_NOISE:.0%}) to the computed task list API"
            )
        else:
            verdict = (
                f"The computed task list API ran {-cost:.1%} faster with row-level security "
                "than without in this run: the two servers differ that much on this machine "
                "even when taking turns, so the policy's cost is below what the run can resolve"
            )
        lines += [
            f"{verdict} ({on:.1%} of hello-world's throughput with it, {off:.1%} without).",
            "",
        ]
    return lines


P99_TARGET_MS = 250
# Ratios of the two side-by-side servers differ by this much with nothing changed.
RLS_NOISE = 0.05


def _baselines_short(slow, endpoints, *, needed: float, hello: float) -> str:
    """Sentences on the plain-DRF baselines of the *slow* endpoints: whether they miss the
    p99 target too (then no write through Django and DRF meets it here) or meet it."""
    by = {ep.key: ep for ep in endpoints}
    refs = [by[VERSUS[ep.key]] for ep in slow if VERSUS.get(ep.key) in by]
    if not refs:
        return ""

    def figures(ref) -> str:
        r = ref.result
        return (
            f"{short_label(ref)} {r['rps']:,.0f} req/s ({r['rps'] / hello:.1%} of "
            f"hello-world), p99 {r['p99_ms']:,.0f} ms"
        )

    missing = [ref for ref in refs if ref.result["p99_ms"] >= P99_TARGET_MS]
    meeting = [ref for ref in refs if ref.result["p99_ms"] < P99_TARGET_MS]
    text = ""
    if missing:
        text += (
            " Their plain-DRF baselines, which save the task with no permission checks and no "
            "audit trail, miss the target too: " + "; ".join(map(figures, missing)) + "."
        )
    if meeting:
        text += (
            " Plain DRF meets it here: " + "; ".join(map(figures, meeting)) + ". "
            "What OpsBase adds to such a write (permission checks, the audit trail, the full "
            "answer) costs the difference."
        )
    else:
        text += (
            " At this concurrency the target is out of reach on this machine for a write "
            "through Django and DRF, whatever OpsBase adds to it"
        )
        if all(ref.result["rps"] < needed for ref in refs):
            text += (
                ": it needs more server capacity per connection (cores, workers) than this "
                "machine has"
            )
        text += "."
    return text


def _p99_note(endpoints, *, connections: int, hello: float) -> list[str]:
    """What the p99 target asks of throughput, and which endpoints fall short of it."""
    # wrk keeps *connections* requests in flight: each waits behind the others, so the mean
    # latency is connections / throughput (Little's law) and the p99 is above that mean.
    needed = connections / (P99_TARGET_MS / 1000)
    over = [ep for ep in endpoints if ep.key not in BASELINES]
    over = [ep for ep in over if ep.result["p99_ms"] >= P99_TARGET_MS]
    slow = [ep for ep in over if ep.result["rps"] < needed]
    spread = [ep for ep in over if ep.result["rps"] >= needed]
    lines = [
        f"**What the p99 target asks.** wrk keeps {connections} requests in flight, so each "
        "waits behind the others: the mean latency is the connections divided by the "
        "throughput (Little's law), and the p99 lies above the mean. A p99 under "
        f"{P99_TARGET_MS} ms therefore needs at least {needed:,.0f} requests/s from an "
        f"endpoint, {needed / hello:.0%} of this run's hello-world view.",
    ]
    if slow:
        lines[-1] += (
            " Short of that throughput: "
            + "; ".join(
                f"{short_label(ep)} {ep.result['rps']:,.0f} req/s "
                f"({ep.result['rps'] / hello:.1%} of hello-world: a mean of "
                f"{connections / ep.result['rps'] * 1000:,.0f} ms, p50 "
                f"{ep.result['p50_ms']:,.0f} ms)"
                for ep in slow
            )
            + "."
        )
        lines[-1] += _baselines_short(slow, endpoints, needed=needed, hello=hello)
    if spread:
        lines[-1] += (
            " Fast enough on average, over the target at the tail: "
            + "; ".join(
                f"{short_label(ep)} (p50 {ep.result['p50_ms']:,.0f} ms, "
                f"p99 {ep.result['p99_ms']:,.0f} ms)"
                for ep in spread
            )
            + "."
        )
    hello_p99 = next(ep.result["p99_ms"] for ep in endpoints if ep.key == "hello")
    if hello_p99 >= P99_TARGET_MS:
        lines[-1] += (
            f" The hello-world view itself had a p99 of {hello_p99:,.0f} ms in this run: "
            "the machine's own pauses (steal time, other processes) reach every endpoint."
        )
    return [*lines, ""]


def render(endpoints, *, variants=(), args, seconds, scale, tenant_tasks, total_tasks, info) -> str:
    by = {ep.key: ep for ep in endpoints}
    hello = by["hello"].result["rps"]
    baseline = by["baseline"].result["rps"]
    rows = []
    for ep in endpoints:
        r = ep.result
        vs_baseline = versus(ep, by)
        errors = r["socket_errors"] + r["http_errors"]
        rows.append(
            f"| {ep.label} | {r['rps']:,.0f} | {r['rps'] / hello:.1%} | {vs_baseline} "
            f"| {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {errors} "
            f"| {_queries(ep)} |"
        )
    api = by["api_list"].result["rps"]
    page = by["page"].result["rps"]
    # The baselines are references, not OpsBase's endpoints: the target is about the latter.
    worst = max(
        (ep for ep in endpoints if ep.key not in BASELINES), key=lambda ep: ep.result["p99_ms"]
    )
    worst_p99 = worst.result["p99_ms"]
    all_errors = sum(ep.result["socket_errors"] + ep.result["http_errors"] for ep in endpoints)
    targets = [
        ("Task list API ≥ 3× plain DRF", f"{api / baseline:.2f}×", api >= 3 * baseline),
        ("Task list API ≥ 25% of hello-world", f"{api / hello:.1%}", api >= 0.25 * hello),
        (
            "Task list API ≤ 3 queries (computed in full)",
            str(by["api_list"].queries_uncached),
            (by["api_list"].queries_uncached or 0) <= 3,
        ),
        ("Task list page ≥ 20% of hello-world", f"{page / hello:.1%}", page >= 0.20 * hello),
        (
            f"p99 < {P99_TARGET_MS} ms on every endpoint",
            f"{worst_p99:,.0f} ms ({short_label(worst)})",
            worst_p99 < P99_TARGET_MS,
        ),
        ("zero errors", str(all_errors), all_errors == 0),
    ]
    lines_p99 = _p99_note(endpoints, connections=args.connections, hello=hello)
    lines = [
        "# Performance",
        "",
        "Figures from `make bench` (`python -m bench.run`), written by the benchmark itself.",
        "Every ratio is taken within one run: the hello-world view and the plain-DRF baselines",
        "are served by the same gunicorn as the endpoints measured. The baselines are what a",
        "plain DRF project would write with the same token authentication: the task list with",
        "ModelSerializer + `select_related` + page-number pagination, and the task create and",
        "update with ModelSerializer, generic views and one transaction, but no permission",
        "checks and no audit trail (the model's signals still invalidate the list cache).",
        "*vs plain DRF* divides an endpoint by the baseline of the same operation.",
        "",
        "The app connects as an ordinary PostgreSQL role (not a superuser, no BYPASSRLS), as a",
        "deployment does, so row-level security is in effect. Prod settings include the caches",
        "(Redis): task lists are cached per tenant version, visibility scope and query, and token",
        "lookups until a token, user, membership, role or tenant changes. The load repeats one",
        "request, so the lists below are answered from the cache after the first request; the",
        "writes invalidate it. *Queries* is the count of a repeated request, and in brackets of",
        "the same request computed in full (caches off). The second part measures the computed",
        "path on its own servers: caches off, with and without row-level security.",
        "",
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
        f"{' (quick mode)' if args.quick else ''}: gunicorn {args.workers} sync workers, "
        f"prod settings, wrk {args.connections} connections, {seconds} s per endpoint after "
        f"a warm-up; {scale.tenants:,} tenants, {scale.users:,} users, {total_tasks:,} tasks; "
        f"the measured tenant has {tenant_tasks:,} tasks.",
        "",
        "| Endpoint | Requests/s | vs hello-world | vs plain DRF | p50 ms | p95 ms | p99 ms "
        "| Errors | Queries |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "## Targets",
        "",
        "| Target | Measured | Met |",
        "|---|---:|:---:|",
        *(f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in targets),
        "",
        *lines_p99,
        "## Computed in full (caches off)",
        "",
        "Same run, two more gunicorns running side by side (same workers and load), the list",
        "and token caches switched off: every request authenticates against the database and",
        "builds its answer. The two take turns on each endpoint, "
        f"{SIDE_BY_SIDE_ROUNDS} × {slice_seconds(seconds)} s each,",
        "so the machine's drift over minutes reaches both alike: requests/s are over all turns,",
        "p50 the median turn's, p99 the worst turn's. *vs plain DRF* divides by the baseline",
        "of the first table.",
        "",
        *_variant_lines(variants, baseline),
        "## Machine",
        "",
        *(f"- {k}: {v}" for k, v in info.items()),
        "",
        "## Reproduce",
        "",
        "```",
        "make bench          # full data set (first run generates it, a few minutes)",
        "make bench-quick    # a tenth of the data, shorter runs",
        "```",
        "",
        "The benchmark needs PostgreSQL (a superuser connection, `--admin-url`), Redis and",
        "`wrk` (`apt-get install wrk`). It is not part of `make test`.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    from bench.scale import Scale

    scale = Scale(100, 1_000, 100_000) if args.quick else Scale()
    seconds = args.duration or (5 if args.quick else 15)

    def log(message: str) -> None:
        print(message, flush=True)

    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed (apt-get install wrk)")
    env = environment(args)
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    (BENCH / ".logs").mkdir(exist_ok=True)
    if ensure_database(args, scale, log):
        log(f"created database {args.database}")
    endpoints, token, cookie, tenant_tasks, total_tasks = prepare(args, scale, log)
    info = machine()

    app_env = {**env, "DATABASE_URL": ensure_app_role(args)}
    by = {ep.key: ep for ep in endpoints}
    # Served with the caches off: what a request costs when computed in full, with row-level
    # security in effect (the app role) and without it (a superuser, the policy switched off).
    uncached = {"OPSBASE_LIST_CACHE": "false", "OPSBASE_AUTH_CACHE_TIMEOUT": "0"}
    variant_servers = [
        ("rls_on", "caches off, row-level security on", {**app_env, **uncached}),
        (
            "rls_off",
            "caches off, row-level security off",
            {**env, **uncached, "OPSBASE_POSTGRES_RLS": "false"},
        ),
    ]
    variants: list[tuple[str, list[Endpoint]]] = []

    opts = {"connections": args.connections, "token": token, "cookie": cookie}

    def log_result(r: dict) -> None:
        log(
            f"  {r['rps']:,.0f} req/s  p50 {r['p50_ms']:.1f} ms  "
            f"p99 {r['p99_ms']:.1f} ms  errors {r['socket_errors'] + r['http_errors']}"
            + (f"  first error: {r['sample_error']}" if r["sample_error"] else "")
        )

    def measure(server_env, eps: list[Endpoint]) -> None:
        port = free_port()
        server = start_gunicorn(server_env, port, args.workers)
        try:
            for ep in eps:
                log(f"{ep.label}: warm-up, then {seconds} s at {args.connections} connections")
                wrk(ep, seconds=2, port=port, **opts)
                ep.result = wrk(ep, seconds=seconds, port=port, **opts)
                log_result(ep.result)
        finally:
            server.terminate()
            server.wait(timeout=30)

    def measure_side_by_side(servers: dict[str, dict], eps: dict[str, list[Endpoint]]) -> None:
        # Both servers run at once and take turns, slice by slice, so that the machine's
        # drift over minutes (steal time, other processes) reaches them alike.
        ports = {key: free_port() for key in servers}
        running = [start_gunicorn(servers[key], ports[key], args.workers) for key in servers]
        rounds, piece = SIDE_BY_SIDE_ROUNDS, slice_seconds(seconds)
        try:
            for i in range(len(next(iter(eps.values())))):
                slices: dict[str, list[dict]] = {key: [] for key in servers}
                label = next(iter(eps.values()))[i].label
                log(f"{label}: warm-up, then {rounds} × {piece} s on each server in turn")
                for key in servers:
                    wrk(eps[key][i], seconds=2, port=ports[key], **opts)
                for turn in range(rounds):
                    order = list(servers) if turn % 2 == 0 else list(reversed(servers))
                    for key in order:
                        slices[key].append(wrk(eps[key][i], seconds=piece, port=ports[key], **opts))
                for key in servers:
                    eps[key][i].result = combine(slices[key])
                    log(f"  {key}:")
                    log_result(eps[key][i].result)
        finally:
            for server in running:
                server.terminate()
            for server in running:
                server.wait(timeout=30)

    load_before = os.getloadavg()[0]
    log("server: prod settings, app role (row-level security in effect), caches on")
    measure(app_env, endpoints)
    log("servers side by side: " + "; ".join(title for _key, title, _env in variant_servers))
    variant_eps = {
        key: [
            Endpoint(f"{key}_{ep.key}", ep.label, ep.path, ep.auth, queries=ep.queries_uncached)
            for ep in (by["hello"], by["api_list"], by["page"])
        ]
        for key, _title, _env in variant_servers
    }
    measure_side_by_side({key: env for key, _title, env in variant_servers}, variant_eps)
    variants.extend((title, variant_eps[key]) for key, title, _env in variant_servers)

    info["Load average (1 min) before / after the load runs"] = (
        f"{load_before:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; other "
        "processes on the machine (test runs) take CPU from the server and wrk alike, so "
        "figures of separate servers vary more than ratios within one"
    )
    report = render(
        endpoints,
        variants=variants,
        args=args,
        seconds=seconds,
        scale=scale,
        tenant_tasks=tenant_tasks,
        total_tasks=total_tasks,
        info=info,
    )
    print()
    print(report)
    if not args.no_report:
        REPORT.write_text(report)
        log(f"written to {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
