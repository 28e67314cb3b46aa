"""The two ways provisioning stops: bad input (nothing done) and a failed step (resumable)."""

from __future__ import annotations


class ProvisionError(Exception):
    """A problem the user fixes: what was wrong, and how to fix it, in one message."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message


class InputError(ProvisionError):
    """An input that cannot be used; raised before anything is created anywhere."""


class StepFailed(ProvisionError):
    """A step that failed part-way; the journal lets the next run resume at it."""

    def __init__(
        self,
        message: str,
        fix: str = "",
        *,
        step: str = "",
        command: str = "",
        output_tail: str = "",
    ) -> None:
        super().__init__(message, fix)
        self.step = step
        self.command = command
        self.output_tail = output_tail


class Cancelled(Exception):
    """The user pressed Ctrl-C or Ctrl-D at a prompt; nothing was created."""
