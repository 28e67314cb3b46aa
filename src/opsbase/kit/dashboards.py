"""A module's dashboard parts declared once on its ``ModuleConfig``, their functions named by
dotted path (``apps.py`` runs before the models are ready)::

    class TasksConfig(DeclaredDashboard, ModuleConfig):
        dashboard = (
            CountsCard(key="tasks", title=_("Tasks"), counts=lazy(f"{VIEWS}.task_counts")),
            KpiGroup(key="tasks", tiles=(...), compute=lazy(f"{DASHBOARD}.task_kpis")),
            Chart(key="tasks-done", title=_("Done"), data=lazy(f"{DASHBOARD}.done_weekly")),
        )

gives the module ``dashboard_cards``, ``dashboard_kpis`` and ``dashboard_charts``: the
declared ``CountsCard``, ``KpiGroup`` and ``Chart`` parts, in the order given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import import_string

from opsbase.web.dashboard import Chart, CountsCard, KpiGroup

__all__ = ["DeclaredDashboard", "lazy"]


def lazy(path: str) -> Callable[..., Any]:
    """The function at dotted *path*, imported when first called."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return import_string(path)(*args, **kwargs)

    call.__name__ = call.__qualname__ = path.rpartition(".")[2]
    return call


class DeclaredDashboard:
    """A ``ModuleConfig`` mixin (first among the bases): its ``dashboard`` declaration."""

    dashboard: tuple[CountsCard | KpiGroup | Chart, ...] = ()

    def dashboard_cards(self) -> tuple[CountsCard, ...]:
        return tuple(part for part in self.dashboard if isinstance(part, CountsCard))

    def dashboard_kpis(self) -> tuple[KpiGroup, ...]:
        return tuple(part for part in self.dashboard if isinstance(part, KpiGroup))

    def dashboard_charts(self) -> tuple[Chart, ...]:
        return tuple(part for part in self.dashboard if isinstance(part, Chart))
