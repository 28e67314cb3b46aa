"""``manage.py ensure_default_roles [--tenant SLUG] [--reset]``: create or repair built-in roles."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from opsbase.kernel.roles.services import roles_sync_builtin
from opsbase.kernel.tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Create the built-in Admin, Manager and User roles where they are missing and repair "
        "them where they were changed (Admin always holds every permission). Safe to re-run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tenant", metavar="SLUG", help="Only this organization.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Also put the permissions of Manager and User back to the library defaults "
            "(e.g. after installing a module).",
        )

    def handle(self, *args, tenant: str | None = None, reset: bool = False, **options) -> None:
        tenants = Tenant.objects.order_by("slug")
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"No organization has the slug {tenant!r}.")
        totals = {"created": 0, "updated": 0, "unchanged": 0}
        for each in tenants:
            for sync in roles_sync_builtin(tenant=each, reset=reset).values():
                totals[sync.outcome] += 1
                detail = f" ({', '.join(sync.changed)})" if sync.changed else ""
                line = f"{each.slug}: {sync.role.name} {sync.outcome}{detail}"
                if sync.outcome == "unchanged":
                    self.stdout.write(line)
                else:
                    self.stdout.write(self.style.SUCCESS(line))
        self.stdout.write(
            f"Built-in roles: {totals['created']} created, {totals['updated']} updated, "
            f"{totals['unchanged']} unchanged."
        )
