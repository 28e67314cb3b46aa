"""``manage.py audit_verify [--tenant SLUG | --system]``: check the audit hash chains."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.management.base import BaseCommand, CommandError

from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.tenants.models import Tenant

if TYPE_CHECKING:
    from opsbase.kernel.audit.chain import ChainBreak


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chains (every tenant's and the system chain, or one). "
        "Prints OK with counts, or the first broken event of each chain, and exits non-zero "
        "when any chain is broken."
    )

    def add_arguments(self, parser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--tenant", metavar="SLUG", help="Verify this tenant's chain only.")
        which.add_argument(
            "--system", action="store_true", help="Verify the tenant-less chain only."
        )

    def handle(self, *args, tenant: str | None = None, system: bool = False, **options):
        target = None
        if tenant:
            target = Tenant.objects.filter(slug=tenant).first()
            if target is None:
                raise CommandError(f"No tenant has the slug {tenant!r}.")
        result = audit_chain_verify(tenant=target, system=system)
        for chain in result.chains:
            if chain.ok:
                self.stdout.write(
                    f"OK      {chain.label}: {chain.events} events, head seq {chain.last_seq}, "
                    f"hash {chain.last_hash}"
                )
            else:
                problem = cast("ChainBreak", chain.problem)  # not ok: there is a problem
                self.stdout.write(
                    self.style.ERROR(
                        f"BROKEN  {chain.label}: {problem.kind.upper()} {problem.message}"
                    )
                )
        if not result.ok:
            broken = ", ".join(c.label for c in result.broken)
            raise CommandError(
                f"The audit chain is broken in {len(result.broken)} of {len(result.chains)} "
                f"chain(s): {broken}."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {len(result.chains)} chain(s), {result.events} events verified."
            )
        )
