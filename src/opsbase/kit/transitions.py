"""A workflow's moves declared as a table: one row per transition, the keywords they share
given once (light: ``constants.py`` imports it before the models are ready)::

    transitions=transitions_table(
        ("start", {Status.TODO, Status.BLOCKED}, Status.IN_PROGRESS, _("Start")),
        ("complete", OPEN_STATUSES, Status.DONE, _("Complete")),
        codename=CHANGE_STATUS,
        effects="opsbase.modules.tasks.services.task_completion_effects",
    )
"""

from __future__ import annotations

from typing import Any

from opsbase.kernel.workflows import Transition

__all__ = ["transitions_table"]


def transitions_table(*rows: tuple[str, Any, str, Any], **shared: Any) -> list[Transition]:
    """``Transition``s from ``(name, source, target, label)`` rows, in the order given, each
    with the keywords of *shared* (``codename``, ``effects``, ``guard``...)."""
    return [
        Transition(name, source=source, target=target, label=label, **shared)
        for name, source, target, label in rows
    ]
