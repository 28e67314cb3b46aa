"""``python -m bench.profile``: where the time of one computed request goes, in process.

Runs after ``make bench`` or ``make bench-quick`` made the data: the bench's settings and
database, the app's ordinary role (row-level security in effect), caches off as in the
"computed in full" tables. Each endpoint is requested ``--repeat`` times for a mean in
milliseconds, then under cProfile; the profile's top functions are printed.

    python -m bench.profile                  # the task list API and page, 50 rows
    python -m bench.profile --path /api/v1/tasks/?status=todo --sort tottime
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time


def main(argv: list[str] | None = None) -> int:
    from . import run

    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--path", action="append", help="a path to profile (repeatable)")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--database", default="opsbase_bench")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave the loaded objects to the garbage collector (workers freeze them)",
    )
    parser.add_argument("--save", help="also write each profile to <SAVE>-<n>.prof (pstats)")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args(argv)

    os.environ.update(run.environment(args))
    os.environ.update(
        {
            "DATABASE_URL": run.ensure_app_role(args),
            "OPSBASE_LIST_CACHE": "false",
            "OPSBASE_AUTH_CACHE_TIMEOUT": "0",
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
        }
    )
    import django

    django.setup()
    from django.test import Client

    from bench import mixed
    from opsbase.core.wsgi import freeze_loaded
    from opsbase.kernel.tenants.models import Membership, Tenant

    tenant = Tenant.objects.get(slug="bench")
    admin = (
        Membership.objects.for_tenant(tenant)
        .select_related("user", "role")
        .get(user__email="u0@t0.bench")
    )
    (member,) = mixed.sign_in([admin], name="bench profile")
    paths = args.path or [
        "/bench/hello/",
        "/api/v1/tasks/?page_size=50",
        "/tasks/all/?page_size=50",
    ]
    for path in paths:
        client = Client()
        headers = dict(member.headers["token" if path.startswith("/api/") else "session"])
        if "Cookie" in headers:
            client.cookies.load(headers.pop("Cookie"))
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        extra["wsgi.url_scheme"] = "https"  # prod settings redirect plain http
        response = client.get(path, **extra)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        if not args.no_freeze:
            # As a worker does after its first request (opsbase.core.wsgi): otherwise the
            # collector's full passes over the loaded code land on whatever allocates.
            freeze_loaded()
        started = time.perf_counter()
        for _ in range(args.repeat):
            client.get(path, **extra)
        mean = (time.perf_counter() - started) / args.repeat * 1000
        print(f"\n{path}: {mean:.2f} ms a request (mean of {args.repeat})")
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.repeat):
            client.get(path, **extra)
        profile.disable()
        if args.save:
            profile.dump_stats(f"{args.save}-{paths.index(path)}.prof")
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
