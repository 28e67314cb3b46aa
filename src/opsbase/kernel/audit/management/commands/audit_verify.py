"""``manage.py audit_verify [--tenant SLUG | --system] [--no-checkpoint]``: check the audit
hash chains against their signed checkpoints, then checkpoint the chains found intact."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.management.base import BaseCommand, CommandError

from opsbase.kernel.audit.checkpoints import AuditKeyMissing, CheckpointWriteError
from opsbase.kernel.audit.services import audit_chain_verify, audit_checkpoint
from opsbase.kernel.tenants.models import Tenant

if TYPE_CHECKING:
    from opsbase.kernel.audit.chain import ChainBreak, VerifyResult


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chains (every tenant's and the system chain, or one) "
        "against their signed checkpoints and the chains the system chain saw created. Prints "
        "OK with counts, or the first problem of each chain, and exits non-zero when any "
        "chain is broken, truncated or missing. Then checkpoints the chains found intact."
    )

    def add_arguments(self, parser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--tenant", metavar="SLUG", help="Verify this tenant's chain only.")
        which.add_argument(
            "--system", action="store_true", help="Verify the tenant-less chain only."
        )
        parser.add_argument(
            "--no-checkpoint",
            action="store_true",
            help="Only read: write no checkpoint (e.g. when examining a restored copy).",
        )

    def handle(
        self,
        *args,
        tenant: str | None = None,
        system: bool = False,
        no_checkpoint: bool = False,
        **options,
    ):
        target = None
        if tenant:
            target = Tenant.objects.filter(slug=tenant).first()
            if target is None:
                raise CommandError(f"No tenant has the slug {tenant!r}.")
        result = audit_chain_verify(tenant=target, system=system)
        self._print(result)
        failures = []
        if not no_checkpoint:
            failures.extend(self._checkpoint(result))
        if not result.ok:
            if result.broken:
                broken = ", ".join(c.label for c in result.broken)
                failures.insert(
                    0,
                    f"The audit chain is broken in {len(result.broken)} of "
                    f"{len(result.chains)} chain(s): {broken}.",
                )
            if result.problems:
                failures.append(f"{len(result.problems)} checkpoint problem(s), listed above.")
        if failures:
            raise CommandError(" ".join(failures))
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {len(result.chains)} chain(s), {result.events} events verified."
            )
        )

    def _print(self, result: VerifyResult) -> None:
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
        for text in result.problems:
            self.stdout.write(self.style.ERROR(f"PROBLEM {text}"))
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"WARNING {warning}"))

    def _checkpoint(self, result: VerifyResult) -> list[str]:
        """Checkpoint the chains found intact; what went wrong, if anything."""
        intact = [c.chain for c in result.chains if c.ok]
        if not intact:
            return []
        try:
            run = audit_checkpoint(chains=intact)
        except AuditKeyMissing:
            return []  # already reported among the problems
        except CheckpointWriteError as error:
            self.stdout.write(self.style.ERROR(f"PROBLEM {error}"))
            return ["The checkpoint file could not be written."]
        if run.event is not None:
            self.stdout.write(
                f"Checkpointed {len(run.checkpoints)} chain(s) in {run.path} and on the system "
                f"chain (seq {run.event.seq})."
            )
        return []
