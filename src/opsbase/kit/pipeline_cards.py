"""Dashboard cards of a pipeline's records, from the declarations::

    def dashboard_cards(self):
        return pipeline_cards(pipelines=PIPELINES, entity=LEADS, icon="person-lines-fill")

* the funnel: each stage of the default pipeline with the records the member may see in it;
* conversion by source: per value of a choice field, the share won and the value won (what a
  marketing attribution reads);
* the counts: open, won, lost, and the follow-ups due today.

Each is one query, kept per tenant version (``counts_cached``), and each figure links to the
entity's list filtered to it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .caching import counts_cached
from .entity import Entity
from .pipelines import Pipelines
from .stage_kinds import StageKind

__all__ = ["pipeline_cards", "pipeline_conversion", "pipeline_counts", "pipeline_funnel"]


def pipeline_funnel(*, pipelines: Pipelines, records: Any, tenant_id: int) -> list[tuple]:
    """``[(stage name, stage id, count)]`` over the default pipeline's stages, in order."""
    pipeline = pipelines.default(tenant_id=tenant_id)
    if pipeline is None:
        return []
    in_it = records.order_by().filter(pipeline=pipeline)
    counts = dict(in_it.values_list("stage_id").annotate(n=Count("pk")))
    return [(s.name, s.pk, counts.get(s.pk, 0)) for s in pipeline.stages.all()]


def pipeline_conversion(*, records: Any, field: str, value: str = "value") -> list[tuple]:
    """Per value of *field*: ``[(value, records, won, value won)]``."""
    won = Q(stage__kind=StageKind.WON)
    rows = (
        records.order_by()
        .values(field)
        .annotate(total=Count("pk"), won=Count("pk", filter=won), value=Sum(value, filter=won))
    )
    return [(r[field], r["total"], r["won"], r["value"] or 0) for r in rows]


def pipeline_counts(*, records: Any, due: str | None = None) -> dict[str, int]:
    """Records per stage kind, and the open ones whose *due* date is today or past."""
    counts = {k: Count("pk", filter=Q(stage__kind=k)) for k in StageKind.values}
    if due:
        today = timezone.localdate()
        counts["due"] = Count("pk", filter=Q(**{f"{due}__lte": today}, stage__kind="open"))
    found: dict[str, int] = records.order_by().aggregate(**counts)
    return found


def pipeline_cards(
    *,
    pipelines: Pipelines,
    entity: Entity,
    icon: str,
    source: str = "source",
    due: str | None = "follow_up",
    order: int = 20,
) -> tuple[Any, ...]:
    """The funnel, conversion by *source* and counts cards of *entity*'s records."""
    from opsbase.web.dashboard import CountsCard

    meta = entity.model._meta
    view = entity.codenames.view
    label = meta.label_lower

    def shown() -> str:
        return reverse(entity.rows.url_name("list"))

    def cached(kind: str, membership: Any, compute: Any) -> Any:
        return counts_cached(f"{label}:{kind}", membership, view, compute)

    def counts(membership: Any) -> list[tuple[Any, int, str | None]]:
        found = cached(
            "counts",
            membership,
            lambda: pipeline_counts(records=entity.records(membership), due=due),
        )
        rows: list[tuple[Any, int, str | None]] = [
            (label_, found[kind], None) for kind, label_ in StageKind.choices
        ]
        if due:
            rows.append((_("Follow-ups due today"), found["due"], f"{shown()}?due=true"))
        return rows

    def funnel(membership: Any) -> list[tuple[Any, int, str | None]]:
        rows = cached(
            "funnel",
            membership,
            lambda: pipeline_funnel(
                pipelines=pipelines,
                records=entity.records(membership),
                tenant_id=membership.tenant_id,
            ),
        )
        return [(name, count, f"{shown()}?stage={pk}") for name, pk, count in rows]

    def conversion(membership: Any) -> list[tuple[Any, Any, str | None]]:
        rows = cached(
            "sources",
            membership,
            lambda: pipeline_conversion(records=entity.records(membership), field=source),
        )
        labels = dict(meta.get_field(source).choices or ())  # type: ignore[union-attr]
        return [
            (
                labels.get(key, key),
                f"{round(100 * won / total) if total else 0} % · {floatformat(value, '0g')}",
                f"{shown()}?{source}={key}",
            )
            for key, total, won, value in sorted(rows, key=lambda r: -r[3])
        ]

    app = meta.app_label
    return (
        CountsCard(
            key=f"{app}-funnel",
            title=gettext_lazy("Funnel"),
            icon="funnel",
            codename=view,
            counts=funnel,
            order=order + 1,
            versioned=True,
        ),
        CountsCard(
            key=f"{app}-sources",
            title=gettext_lazy("Won by source"),
            icon="bullseye",
            codename=view,
            counts=conversion,
            order=order + 2,
            versioned=True,
        ),
        CountsCard(
            key=app,
            title=capfirst(str(meta.verbose_name_plural)),
            icon=icon,
            codename=view,
            counts=counts,
            order=order,
            versioned=True,
        ),
    )
