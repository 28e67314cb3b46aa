"""The benchmark's report (``docs/performance.md``): how it measures, its tables, the targets
met or not, and the notes that keep the figures honest (what the p99 target asks of
throughput, what row-level security costs, what the plain-DRF baselines reach)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .wrk import Request

P99_TARGET_MS = 250
MIXED_P95_TARGET_MS = 500
# Computed in full (caches off, row-level security on): shares of the hello-world view.
COMPUTED_API_TARGET = 0.15
COMPUTED_PAGE_TARGET = 0.10
# Ratios of the two side-by-side servers differ by this much with nothing changed.
RLS_NOISE = 0.05


@dataclass
class Endpoint:
    key: str
    label: str
    requests: list[Request]
    order: str = "turns"
    queries: int | None = None
    queries_uncached: int | None = None
    result: dict = field(default_factory=dict)


# OpsBase's endpoints compared with the plain project's endpoint of the same operation.
VERSUS = {"api_list": "plain_list", "create": "plain_create", "update": "plain_update"}


@dataclass
class Run:
    """Everything one run measured, and how."""

    endpoints: list[Endpoint]  # OpsBase, prod settings, caches on
    plain: list[Endpoint]  # the plain project, in turns with the above
    mixed: Endpoint | None
    mixed_plan: dict
    variants: list[tuple[str, list[Endpoint]]]  # caches off: row-level security on, off
    plain_computed: list[Endpoint]  # the plain project, in turns with the variants
    connections: int
    workers: int
    rounds: int
    slice_seconds: int
    timeout: int
    quick: bool
    when: str
    data: str
    info: dict[str, str]


def short_label(ep: Endpoint) -> str:
    """*ep*'s label up to its details: "task create (API)" -> "task create"."""
    return re.split(r",| \(", ep.label, maxsplit=1)[0]


def latency(result: dict, percentile: float) -> str:
    """A latency percentile of *result* in ms, or "≥ timeout" when more requests than the
    percentile leaves out took longer than the timeout (wrk's percentiles cover only the
    answers within it)."""
    attempts = result["requests"] + result.get("stalled", 0)
    timeout_ms = result.get("timeout_s", 0) * 1000
    if attempts == 0 or result["timeouts"] / attempts > 1 - percentile / 100:
        return f"≥ {timeout_ms:,.0f}"
    return f"{result[f'p{percentile:.0f}_ms']:,.1f}"


def latency_ms(result: dict, percentile: float) -> float:
    """The percentile as a number, the timeout when it is over it (see ``latency``)."""
    cell = latency(result, percentile)
    if cell.startswith("≥"):
        return result.get("timeout_s", 0) * 1000
    return result[f"p{percentile:.0f}_ms"]


def errors_cell(result: dict) -> str:
    """The errors of *result*, with their kinds when there are any."""
    total = result["errors"]
    if not total:
        return "0"
    kinds = []
    if result["timeouts"]:
        kinds.append(f"{result['timeouts']:,} timeouts")
    if result["not_2xx"]:
        kinds.append(f"{result['not_2xx']:,} not 2xx")
    if result["socket_errors"]:
        kinds.append(f"{result['socket_errors']:,} socket")
    if result["no_answer"]:
        kinds.append("no 2xx answer at all")
    return f"**{total:,}** ({', '.join(kinds)})"


def versus(ep: Endpoint, by: dict[str, Endpoint]) -> str:
    """*ep*'s requests/s over the plain project's for the same operation."""
    other = by.get(VERSUS.get(ep.key, ""))
    if other is None or not other.result.get("rps"):
        return ""
    return f"{ep.result['rps'] / other.result['rps']:.2f}×"


def share(rps: float, hello: float) -> str:
    return f"{rps / hello:.1%}" if hello else "n/a"


def _queries(ep: Endpoint) -> str:
    if ep.queries is None:
        return ""
    if ep.queries_uncached is None or ep.queries_uncached == ep.queries:
        return str(ep.queries)
    return f"{ep.queries} ({ep.queries_uncached} computed)"


def _hello(endpoints: list[Endpoint]) -> float:
    return next(ep.result["rps"] for ep in endpoints if ep.key.endswith("hello"))


def table(endpoints: list[Endpoint], *, compare: dict[str, Endpoint] | None = None) -> list[str]:
    """Rows of *endpoints*, each divided by the first (its project's hello-world view) and,
    with *compare*, by the plain project's endpoint of the same operation."""
    hello = _hello(endpoints)
    lines = [
        "| Endpoint | Requests/s | vs its hello-world | vs plain DRF | p50 ms | p95 ms "
        "| p99 ms | Errors | Queries |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for ep in endpoints:
        r = ep.result
        lines.append(
            f"| {ep.label} | {r['rps']:,.0f} | {share(r['rps'], hello)} "
            f"| {versus(ep, compare) if compare else ''} | {latency(r, 50)} | {latency(r, 95)} "
            f"| {latency(r, 99)} | {errors_cell(r)} | {_queries(ep)} |"
        )
    return [*lines, ""]


def _baselines_short(slow, by, *, needed: float, plain_hello: float) -> str:
    """Sentences on the plain-DRF baselines of the *slow* endpoints: whether they miss the
    p99 target too (then no write through Django and DRF meets it here) or meet it."""
    refs = [by[VERSUS[ep.key]] for ep in slow if VERSUS.get(ep.key) in by]
    if not refs:
        return ""

    def figures(ref) -> str:
        r = ref.result
        return (
            f"{short_label(ref)} {r['rps']:,.0f} req/s ({share(r['rps'], plain_hello)} of "
            f"its hello-world), p99 {latency(r, 99)} ms"
        )

    missing = [ref for ref in refs if latency_ms(ref.result, 99) >= P99_TARGET_MS]
    meeting = [ref for ref in refs if latency_ms(ref.result, 99) < P99_TARGET_MS]
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


def p99_note(
    endpoints: list[Endpoint],
    plain: list[Endpoint],
    *,
    connections: int,
) -> list[str]:
    """What the p99 target asks of throughput, and which endpoints fall short of it."""
    hello = _hello(endpoints)
    plain_hello = _hello(plain) if plain else 0.0
    by = {ep.key: ep for ep in [*endpoints, *plain]}
    # wrk keeps *connections* requests in flight: each waits behind the others, so the mean
    # latency is connections / throughput (Little's law) and the p99 is above that mean.
    needed = connections / (P99_TARGET_MS / 1000)
    over = [ep for ep in endpoints if not ep.key.endswith("hello")]
    over = [ep for ep in over if latency_ms(ep.result, 99) >= P99_TARGET_MS]
    slow = [ep for ep in over if ep.result["rps"] < needed]
    spread = [ep for ep in over if ep.result["rps"] >= needed]
    text = (
        f"**What the p99 target asks.** wrk keeps {connections} requests in flight, so each "
        "waits behind the others: the mean latency is the connections divided by the "
        "throughput (Little's law), and the p99 lies above the mean. A p99 under "
        f"{P99_TARGET_MS} ms therefore needs at least {needed:,.0f} requests/s from an "
        f"endpoint, {share(needed, hello)} of this run's hello-world view."
    )
    if slow:
        text += (
            " Short of that throughput: "
            + "; ".join(
                f"{short_label(ep)} {ep.result['rps']:,.0f} req/s "
                f"({share(ep.result['rps'], hello)} of hello-world: a mean of "
                f"{connections / max(ep.result['rps'], 1e-9) * 1000:,.0f} ms, p50 "
                f"{latency(ep.result, 50)} ms)"
                for ep in slow
            )
            + "."
        )
        text += _baselines_short(slow, by, needed=needed, plain_hello=plain_hello)
    if spread:
        text += (
            " Fast enough on average, over the target at the tail: "
            + "; ".join(
                f"{short_label(ep)} (p50 {latency(ep.result, 50)} ms, "
                f"p99 {latency(ep.result, 99)} ms)"
                for ep in spread
            )
            + "."
        )
    hello_p99 = latency_ms(next(ep for ep in endpoints if ep.key == "hello").result, 99)
    if hello_p99 >= P99_TARGET_MS:
        text += (
            f" The hello-world view itself had a p99 of {hello_p99:,.0f} ms in this run: "
            "the machine's own pauses (steal time, other processes) reach every endpoint."
        )
    return [text, ""]


def rls_note(variants: list[tuple[str, list[Endpoint]]]) -> list[str]:
    """What row-level security costs the computed task list API, within the run's noise."""
    shares = {}
    for title, eps in variants:
        api = next((ep for ep in eps if ep.key.endswith("api_list")), None)
        if api is not None:
            shares[title] = api.result["rps"] / _hello(eps) if _hello(eps) else 0.0
    if len(shares) != 2:
        return []
    (_on_title, on), (_off_title, off) = shares.items()
    if not off:
        return []
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
    return [f"{verdict} ({on:.1%} of hello-world's throughput with it, {off:.1%} without).", ""]


def _share_of(eps: list[Endpoint], key: str) -> float | None:
    ep = next((e for e in eps if e.key.endswith(key)), None)
    hello = _hello(eps) if eps else 0.0
    if ep is None or not hello:
        return None
    return ep.result["rps"] / hello


def targets(run: Run) -> list[tuple[str, str, bool]]:
    """Each target as (what, measured, met)."""
    found: list[tuple[str, str, bool]] = []
    if run.variants:
        _title, rls_on = run.variants[0]
        api, page = _share_of(rls_on, "api_list"), _share_of(rls_on, "page")
        where = "caches off, row-level security on"
        if api is not None:
            found.append(
                (
                    f"Computed task list API ≥ {COMPUTED_API_TARGET:.0%} of hello-world ({where})",
                    f"{api:.1%}",
                    api >= COMPUTED_API_TARGET,
                )
            )
        if page is not None:
            found.append(
                (
                    f"Computed task list page ≥ {COMPUTED_PAGE_TARGET:.0%} of hello-world "
                    f"({where})",
                    f"{page:.1%}",
                    page >= COMPUTED_PAGE_TARGET,
                )
            )
    if run.mixed is not None:
        r = run.mixed.result
        p95 = latency(r, 95)
        found.append(
            (
                f"Mixed scenario p95 < {MIXED_P95_TARGET_MS} ms (caches on)",
                f"{p95} ms",
                latency_ms(r, 95) < MIXED_P95_TARGET_MS and not p95.startswith("≥"),
            )
        )
        found.append(("Mixed scenario: zero errors", f"{r['errors']:,}", r["errors"] == 0))
    everything = [*run.endpoints, *run.plain, *([run.mixed] if run.mixed else [])]
    everything += [ep for _title, eps in run.variants for ep in eps] + run.plain_computed
    errors = sum(ep.result["errors"] for ep in everything)
    found.append(
        (
            "Zero errors in every run (timeouts and non-2xx answers counted)",
            f"{errors:,}",
            not errors,
        )
    )
    by = {ep.key: ep for ep in [*run.endpoints, *run.plain]}
    if "api_list" in by and "plain_list" in by:
        api, plain_list = by["api_list"].result["rps"], by["plain_list"].result["rps"]
        found.append(
            (
                "Cached task list API ≥ 3× the plain project's list",
                f"{api / plain_list:.2f}×" if plain_list else "n/a",
                bool(plain_list) and api >= 3 * plain_list,
            )
        )
    hello = _hello(run.endpoints)
    if "api_list" in by:
        api = by["api_list"]
        found.append(
            (
                "Cached task list API ≥ 25% of hello-world",
                share(api.result["rps"], hello),
                api.result["rps"] >= 0.25 * hello,
            )
        )
        found.append(
            (
                "Task list API ≤ 3 queries (computed in full)",
                str(api.queries_uncached),
                (api.queries_uncached or 0) <= 3,
            )
        )
    if "page" in by:
        page = by["page"].result["rps"]
        found.append(
            ("Cached task list page ≥ 20% of hello-world", share(page, hello), page >= 0.2 * hello)
        )
    opsbase = [ep for ep in run.endpoints if ep.key != "hello"]
    if opsbase:
        worst = max(opsbase, key=lambda ep: latency_ms(ep.result, 99))
        found.append(
            (
                f"p99 < {P99_TARGET_MS} ms on every endpoint (caches on)",
                f"{latency(worst.result, 99)} ms ({short_label(worst)})",
                latency_ms(worst.result, 99) < P99_TARGET_MS,
            )
        )
    return found


def method(run: Run) -> list[str]:
    """How the run measured, in the report's words."""
    turns = f"{run.rounds} × {run.slice_seconds} s" if run.rounds > 1 else f"{run.slice_seconds} s"
    return [
        "# Performance",
        "",
        "Figures from `make bench` (`python -m bench.run`), written by the benchmark itself.",
        "",
        "## How it is measured",
        "",
        f"- **Two projects, one machine.** OpsBase runs its prod settings under gunicorn "
        f"({run.workers} sync workers) with a project's WSGI application "
        "(`opsbase.core.wsgi`: each worker freezes what it loaded out of the garbage "
        "collector's passes) and connects to PostgreSQL as an ordinary role (not a "
        "superuser, no BYPASSRLS), as a deployment does, so row-level security is in effect. "
        "Beside it runs a **plain Django + DRF project** that the benchmark generates "
        "(`bench/plain.py`): `django-admin startproject` with Django's default middleware "
        "(security, sessions, common, CSRF, authentication, messages, clickjacking), a task "
        "model with the same columns and indexes, a `ModelSerializer`, a `ModelViewSet` on a "
        "router and DRF's token authentication: what a developer writes instead of OpsBase. "
        "It has its own database on the same PostgreSQL server, a copy of OpsBase's "
        "benchmark data (the same organizations, users, memberships and tasks), and its own "
        "gunicorn with the same workers and Django's own WSGI application. Each project has "
        "a hello-world view, the ceiling of "
        "its own stack: a project's figures are divided by its own hello-world, and the two "
        "projects by each other, all in the same run.",
        f"- **Load.** wrk at {run.connections} connections, in rounds ({turns} per endpoint "
        "and server, after a warm-up; a server finishes what wrk left unanswered before the "
        "next turn starts). Each round runs every read endpoint of a phase once, hello-world "
        "first, and the servers compared one after the other, so that a change in the "
        "machine's speed over minutes reaches both sides of a ratio alike. Requests/s are 2xx "
        "answers over all turns; p50 and p95 are the median turn's, p99 the worst turn's. "
        "The writes follow the reads, each endpoint in its own rounds.",
        f"- **Errors.** A socket error, an answer that is not 2xx (a redirect to the sign-in "
        f"page is no success) and a request not answered within {run.timeout} s are errors: "
        "the late answers wrk counts, and the requests still unanswered when a turn ends "
        f"although sent more than {run.timeout} s before (which wrk does not count). A turn "
        "in which not one request was answered with a 2xx is an error in itself, so a row "
        "of 0 requests/s never shows 0 errors. Latencies are those of the answers within the "
        "timeout: where more requests timed out than a percentile leaves out, the table "
        f"shows ≥ {run.timeout * 1000:,} ms.",
        "- **Caches on.** The first tables are the prod configuration with its caches "
        "(Redis): task lists and whole pages cached per tenant version, visibility scope and "
        "query (a User's own list by the versions of the members it names instead: a write "
        "of a task renews the lists of the members it names), token lookups until a token, "
        "user, membership, role or tenant changes. Each "
        "endpoint repeats one request, so its list is answered from the cache after the "
        "first request; the writes invalidate it. *Queries* is the count of a repeated "
        "request and, in brackets, of the same request computed in full (caches off). The "
        "plain project has no cache: its list is computed every time. Without Redis (the "
        "local-memory cache of a new project, one per worker) the versions that make cached "
        "answers stale live in the database instead: a cached request then costs one query "
        "(its versions) and is as fresh on every worker; not measured here.",
        "- **Mixed scenario.** Caches on, the same connections spread over many members "
        "(Admins, Managers and Users) of several organizations, each with a token and a "
        "session of its own. Every request is picked at random (seeded per wrk thread) from "
        "lines the benchmark writes before the run: the API's task list and the HTML list "
        "page with varied filters (status, priority, overdue, assignee, search), sorts and "
        "pages, and one request in ten a write: a create, an edit, or a status transition "
        "(each sent once, from the task's current state, so that every request is one the "
        "member may send and that answers 2xx).",
        "- **Between phases** (after the cached endpoints, after the mixed scenario) the "
        "tasks the runs created are removed and both projects' task tables vacuumed, so "
        "each phase measures the generated data: the measured tenant holds the tasks this "
        "report names, not those the writes before it added.",
        "- **Computed in full.** Caches off (`OPSBASE_LIST_CACHE=false`: no list and no page "
        "cache; `OPSBASE_AUTH_CACHE_TIMEOUT=0`): every request authenticates against the "
        "database and builds its answer. OpsBase with row-level security on (the app role) "
        "and off (a superuser, the policy switched off) and the plain project run side by "
        "side and take turns.",
        f"- **Targets**, each marked met or not from ratios of the same run: computed in full "
        f"with row-level security, the task list API at least {COMPUTED_API_TARGET:.0%} and "
        f"the HTML task list at least {COMPUTED_PAGE_TARGET:.0%} of hello-world's "
        f"requests/s; the mixed scenario's p95 under {MIXED_P95_TARGET_MS} ms; no error in any "
        "run; and the earlier targets of the cached endpoints.",
        "",
        f"Run on {run.when}{' (quick mode)' if run.quick else ''}: {run.data}",
        "",
    ]


def render(run: Run) -> str:
    by = {ep.key: ep for ep in [*run.endpoints, *run.plain]}
    lines = [
        *method(run),
        "## Caches on (prod settings)",
        "",
        "### OpsBase",
        "",
        *table(run.endpoints, compare=by),
        "### The plain Django + DRF project",
        "",
        *table(run.plain),
        *p99_note(run.endpoints, run.plain, connections=run.connections),
    ]
    if run.mixed is not None:
        r = run.mixed.result
        plan = run.mixed_plan
        sent = sum(r["labels"].values()) or 1
        writes = sum(r["labels"].get(k, 0) for k in ("create", "update", "transition"))
        kinds = ", ".join(f"{n} {kind}s" for kind, n in sorted(plan.get("kinds", {}).items()))
        lines += [
            "## Mixed scenario (caches on)",
            "",
            f"{run.connections} connections over {plan.get('members', 0)} members ({kinds}) "
            f"of {plan.get('tenants', 0)} organizations. Requests sent: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(r["labels"].items()))
            + f" ({writes / sent:.1%} writes).",
            "",
            "| Scenario | Requests/s | p50 ms | p95 ms | p99 ms | Errors |",
            "|---|---:|---:|---:|---:|---|",
            f"| {run.mixed.label} | {r['rps']:,.0f} | {latency(r, 50)} | {latency(r, 95)} "
            f"| {latency(r, 99)} | {errors_cell(r)} |",
            "",
        ]
        if r["queue_dry"]:
            lines += [
                f"The transitions prepared ran out: {r['queue_dry']:,} requests picked another "
                "line instead.",
                "",
            ]
    if run.variants:
        lines += ["## Computed in full (caches off)", ""]
        for title, eps in run.variants:
            lines += [f"### OpsBase, {title}", "", *table(eps, compare=_computed_by(run, eps))]
        if run.plain_computed:
            lines += ["### The plain Django + DRF project", "", *table(run.plain_computed)]
        lines += rls_note(run.variants)
    lines += [
        "## Targets",
        "",
        "| Target | Measured | Met |",
        "|---|---:|:---:|",
        *(
            f"| {name} | {value} | {'yes' if ok else '**no**'} |"
            for name, value, ok in targets(run)
        ),
        "",
        "## Machine",
        "",
        *(f"- {k}: {v}" for k, v in run.info.items()),
        "",
        "## Reproduce",
        "",
        "```",
        "make bench          # full data set (first run generates it, a few minutes)",
        "make bench-quick    # a tenth of the data, shorter runs; report in bench/.logs/",
        "```",
        "",
        "The benchmark needs PostgreSQL (a superuser connection, `--admin-url`), Redis and",
        "`wrk` (`apt-get install wrk`). It is not part of `make test`.",
        "",
    ]
    return "\n".join(lines)


def _computed_by(run: Run, eps: list[Endpoint]) -> dict[str, Endpoint]:
    """The plain project's computed endpoints by key: *vs plain DRF* of a computed table
    compares endpoints computed in full."""
    return {ep.key: ep for ep in run.plain_computed}
