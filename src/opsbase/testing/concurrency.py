"""Real concurrency for tests: jobs started together from threads, each thread with its own
database connection, as several workers of a deployment would run them.

    from opsbase.testing.concurrency import in_threads, needs_row_locks

    @needs_row_locks
    @pytest.mark.django_db(transaction=True)
    def test_two_issues_of_the_last_unit(world):
        results = in_threads([issue_one, issue_one], catch=(OpsBaseError,))

The tests need ``transaction=True``: a thread's connection sees only committed rows.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

# SQLite takes one writer at a time; the row-locking engines are where races are real.
needs_row_locks = pytest.mark.skipif(
    connection.vendor not in ("postgresql", "mysql"), reason="needs PostgreSQL or MariaDB"
)


def in_threads(
    jobs: Sequence[Callable[[], Any]],
    workers: int = 8,
    *,
    catch: tuple[type[BaseException], ...] = (),
) -> list[Any]:
    """Run *jobs* from *workers* threads, the first *workers* of them released at the same
    moment; their results in order. An exception of a *catch* type is returned as the job's
    result (a refusal is an outcome to count); any other is raised. Each thread closes its
    connections when its job is done."""
    start = threading.Barrier(max(1, min(workers, len(jobs))))

    def run(job: Callable[[], Any]) -> Any:
        try:
            # Fewer jobs left than workers: the barrier breaks, and they go anyway.
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=10)
            try:
                return job()
            except catch as exc:
                return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, jobs))
