"""wrk runs of the benchmark: the request files ``bench/load.lua`` reads, the run itself, and
the reading of wrk's output into one result.

What counts as an error: a socket error (connect, read, write), a timeout, and an answer
that is not 2xx. wrk itself counts a timeout only when the late answer arrives, and only
4xx/5xx answers; ``load.lua`` adds the requests still unanswered at the end of the run
although sent more than the timeout before, and every answer outside 2xx (a redirect to the
sign-in page is no success). A run in which no request was answered with a 2xx is an error
in itself: a row of 0 requests/s never reads as a clean one.

``parse_output`` and ``result`` are pure functions, tested on canned wrk outputs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().with_name("load.lua")


class WrkError(RuntimeError):
    """wrk could not run, or printed no result."""


@dataclass(frozen=True)
class Request:
    """One request as ``load.lua`` sends it. ``{n}`` in the body becomes a number unique in
    the run; a ``QUEUE`` method takes the next entry of the file's queue instead."""

    label: str
    method: str
    path: str
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()

    def line(self) -> str:
        fields = [self.label, self.method, self.path, self.body]
        fields += [f"{name}: {value}" for name, value in self.headers]
        for field in fields:
            if "\t" in field or "\n" in field:
                raise ValueError(f"a request field cannot hold a tab or a newline: {field!r}")
        return "\t".join(fields)


QUEUED = "QUEUE"


def request_file(
    requests: Sequence[Request], *, order: str = "turns", queue: Iterable[Request] = ()
) -> str:
    """The text of a request file: *requests* taken at random (``order="random"``) or in
    turn, and *queue*, whose entries are each sent once by the lines of method ``QUEUE``."""
    if order not in ("turns", "random"):
        raise ValueError(f"order must be 'turns' or 'random', not {order!r}")
    if not requests:
        raise ValueError("a request file needs at least one request")
    lines = [f"#order {order}", *(r.line() for r in requests)]
    lines += [">" + r.line() for r in queue]
    return "\n".join(lines) + "\n"


# What wrk prints by itself (wrk.c's print of the summary), read as a check on the Lua line.
SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", re.MULTILINE
)
NON_2XX_3XX = re.compile(r"Non-2xx or 3xx responses: (\d+)", re.MULTILINE)
REQUESTS = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
BENCH_LINE = re.compile(r"^BENCH (\{.*\})\s*$", re.MULTILINE)


def parse_output(stdout: str) -> dict:
    """The counts of a wrk run of ``load.lua``: its ``BENCH`` line, checked against (and
    completed by) the lines wrk prints itself."""
    found = BENCH_LINE.search(stdout)
    if found is None:
        raise WrkError(f"wrk printed no BENCH line (did load.lua fail?):\n{stdout[-2000:]}")
    raw = json.loads(found.group(1))
    # wrk's own lines and the script's summary come from the same counters: take the larger
    # where they could differ, so that neither can hide an error.
    sockets = SOCKET_ERRORS.search(stdout)
    if sockets:
        connect, read, write, timeout = map(int, sockets.groups())
        raw["connect_errors"] = max(raw.get("connect_errors", 0), connect)
        raw["read_errors"] = max(raw.get("read_errors", 0), read)
        raw["write_errors"] = max(raw.get("write_errors", 0), write)
        raw["late"] = max(raw.get("late", 0), timeout)
    status = NON_2XX_3XX.search(stdout)
    if status:
        raw["status_errors"] = max(raw.get("status_errors", 0), int(status.group(1)))
    requests = REQUESTS.search(stdout)
    if requests:
        raw["requests"] = max(raw.get("requests", 0), int(requests.group(1)))
    return result(raw)


def result(raw: dict) -> dict:
    """One run's result from its raw counts: 2xx answers per second, the errors by kind and
    their total, ``no_answer`` when not one request was answered with a 2xx."""
    requests = int(raw.get("requests", 0))
    seconds = float(raw.get("seconds", 0)) or 1e-9
    not_2xx = max(int(raw.get("not_2xx", 0)), int(raw.get("status_errors", 0)))
    ok = max(0, requests - not_2xx)
    late, stalled = int(raw.get("late", 0)), int(raw.get("stalled", 0))
    sockets = sum(int(raw.get(k, 0)) for k in ("connect_errors", "read_errors", "write_errors"))
    no_answer = ok == 0
    timeout = float(raw.get("timeout_s", 0))
    sample = raw.get("sample_error", "")
    if no_answer and not sample:
        sample = "no request was answered with a 2xx"
        if stalled or late:
            sample += f" within the {timeout:g} s timeout"
    elif (stalled or late) and not sample:
        sample = f"{late + stalled} requests took longer than the {timeout:g} s timeout"
    return {
        "requests": requests,
        "ok": ok,
        "seconds": seconds,
        "rps": ok / seconds,
        "p50_ms": float(raw.get("p50_ms", 0)),
        "p95_ms": float(raw.get("p95_ms", 0)),
        "p99_ms": float(raw.get("p99_ms", 0)),
        "max_ms": float(raw.get("max_ms", 0)),
        "socket_errors": sockets,
        "timeouts": late + stalled,
        "stalled": stalled,
        "not_2xx": not_2xx,
        "no_answer": no_answer,
        # The run that answered nothing counts once, whatever else went wrong in it.
        "errors": sockets + late + stalled + not_2xx + (1 if no_answer else 0),
        "statuses": dict(raw.get("statuses", {})),
        "labels": dict(raw.get("labels", {})),
        "queue_dry": int(raw.get("queue_dry", 0)),
        "timeout_s": timeout,
        "sample_error": sample,
    }


def combine(runs: list[dict]) -> dict:
    """One result from runs of the same endpoint and server taken in turns: answers over
    time for the throughput, the median run's p50 and p95, the worst run's p99 and max, the
    errors of all (each run that answered nothing counts once)."""
    if not runs:
        raise ValueError("nothing to combine")
    ok = sum(r["ok"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    middle = len(runs) // 2

    def added(key: str) -> dict:
        total: dict = {}
        for r in runs:
            for k, v in r[key].items():
                total[k] = total.get(k, 0) + v
        return total

    return {
        "requests": sum(r["requests"] for r in runs),
        "ok": ok,
        "seconds": seconds,
        "rps": ok / seconds,
        "p50_ms": sorted(r["p50_ms"] for r in runs)[middle],
        "p95_ms": sorted(r["p95_ms"] for r in runs)[middle],
        "p99_ms": max(r["p99_ms"] for r in runs),
        "max_ms": max(r["max_ms"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
        "timeouts": sum(r["timeouts"] for r in runs),
        "stalled": sum(r["stalled"] for r in runs),
        "not_2xx": sum(r["not_2xx"] for r in runs),
        "no_answer": ok == 0,
        "errors": sum(r["errors"] for r in runs),
        "statuses": added("statuses"),
        "labels": added("labels"),
        "queue_dry": sum(r["queue_dry"] for r in runs),
        "timeout_s": max(r["timeout_s"] for r in runs),
        "sample_error": next((r["sample_error"] for r in runs if r["sample_error"]), ""),
    }


def run(
    url: str,
    requests: Path,
    *,
    seconds: int,
    connections: int,
    timeout: int,
    threads: int | None = None,
    seed: int = 1,
) -> dict:
    """wrk for *seconds* at *connections* on *url* (scheme, host and port; the paths come
    from the *requests* file), answers later than *timeout* seconds counted as errors."""
    if shutil.which("wrk") is None:
        raise WrkError("wrk is not installed (apt-get install wrk)")
    threads = threads or min(4, connections)
    env = {
        **os.environ,
        "BENCH_REQUESTS": str(requests),
        "BENCH_TIMEOUT": str(timeout),
        "BENCH_THREADS": str(threads),
        "BENCH_SEED": str(seed),
    }
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        f"{timeout}s",
        "-s",
        str(LUA),
        url,
    ]
    done = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=seconds + timeout + 60
    )
    if done.returncode != 0:
        raise WrkError(f"wrk exited with {done.returncode}: {done.stderr.strip()[-2000:]}")
    return parse_output(done.stdout + "\n" + done.stderr)
