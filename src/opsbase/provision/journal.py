"""Progress of `opsbase new`, kept in the project so that a re-run resumes where it stopped."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .inputs import JOURNAL_DIR, journal_path

DONE = "done"
SKIPPED = "skipped"
FAILED = "failed"
RUNNING = "running"
INTERRUPTED = "interrupted"
FINISHED = (DONE, SKIPPED)


@dataclass
class Journal:
    """Which steps are finished; written atomically after every change."""

    dest: Path
    inputs: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    active: bool = False  # set once the project directory is ours to write into

    @classmethod
    def load(cls, dest: Path) -> Journal | None:
        path = journal_path(dest)
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            dest=dest, inputs=data.get("inputs", {}), steps=data.get("steps", {}), active=True
        )

    def status(self, step: str) -> str | None:
        return self.steps.get(step, {}).get("status")

    def is_finished(self, step: str) -> bool:
        return self.status(step) in FINISHED

    def mark(self, step: str, status: str, detail: str = "") -> None:
        self.steps[step] = {
            "status": status,
            "detail": detail,
            "at": dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
        }
        self.save()

    def complete(self) -> bool:
        return bool(self.steps) and all(s.get("status") in FINISHED for s in self.steps.values())

    def save(self) -> None:
        """Write the journal, once the project directory is ours (never before)."""
        if not self.active or not self.dest.is_dir():
            return
        folder = self.dest / JOURNAL_DIR
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# provisioning state of this machine, not source\n*\n")
        path = journal_path(self.dest)
        tmp = path.with_suffix(".tmp")
        payload = {"version": 1, "inputs": self.inputs, "steps": self.steps}
        tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
