"""``manage.py audit_checkpoint``: checkpoint the audit chains that moved (what Celery beat
runs every ``OPSBASE_AUDIT_CHECKPOINT_MINUTES``; run it from cron where no beat runs)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from opsbase.kernel.audit.checkpoints import AuditKeyMissing, CheckpointWriteError
from opsbase.kernel.audit.services import audit_checkpoint


class Command(BaseCommand):
    help = (
        "Sign the head of every audit chain that moved since its last checkpoint and record it "
        "in the checkpoint file and on the system chain. Exits non-zero when it cannot, or "
        "when a chain is behind its last checkpoint (run audit_verify)."
    )

    def handle(self, *args, **options) -> None:
        try:
            run = audit_checkpoint()
        except (AuditKeyMissing, CheckpointWriteError) as error:
            raise CommandError(str(error)) from None
        if run.event is None:
            self.stdout.write("Nothing moved since the last checkpoint.")
        else:
            self.stdout.write(
                f"Checkpointed {len(run.checkpoints)} chain(s) in {run.path} and on the system "
                f"chain (seq {run.event.seq})."
            )
        if run.behind:
            chains = ", ".join(str(c) for c in run.behind)
            raise CommandError(
                f"Audit chain(s) {chains} are behind their last checkpoint: truncated, or "
                "restored from a backup. Run manage.py audit_verify."
            )
