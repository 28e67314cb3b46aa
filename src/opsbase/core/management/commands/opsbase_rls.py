"""``manage.py opsbase_rls --check | --apply``: PostgreSQL row-level security of tenant tables."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from opsbase.core.rls import rls_active, rls_apply, rls_problems, rls_status


class Command(BaseCommand):
    help = (
        "Show, check or install the row-level security policy on every tenant-owned table "
        "(PostgreSQL). migrate installs it by itself; this is for verifying and repairing."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--check", action="store_true", help="exit 1 when a table differs from the setting"
        )
        group.add_argument(
            "--apply", action="store_true", help="install (or, when switched off, remove) it"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, check=False, apply=False, database=DEFAULT_DB_ALIAS, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(
                f"Database {database!r} is {connection.vendor}; row-level security needs "
                "PostgreSQL (set DATABASE_URL=postgres://...)."
            )
        state = "on" if rls_active(connection) else "off (OPSBASE_POSTGRES_RLS=false)"
        if apply:
            tables = rls_apply(database)
            self.stdout.write(f"Row-level security {state}: {len(tables)} tenant tables updated.")
            return
        problems = rls_problems(database)
        if check:
            if problems:
                raise CommandError(
                    "Row-level security differs from the setting:\n  "
                    + "\n  ".join(problems)
                    + "\nRun `manage.py opsbase_rls --apply` as the role that owns the tables."
                )
            self.stdout.write(f"Row-level security {state}: every tenant table is as it should be.")
            return
        self.stdout.write(f"Row-level security {state}.")
        for table, flags in rls_status(database).items():
            marks = " ".join(f"{name}={'yes' if on else 'no'}" for name, on in flags.items())
            self.stdout.write(f"  {table}: {marks}")
        if problems:
            self.stdout.write(f"{len(problems)} problem(s); run with --apply to repair.")
