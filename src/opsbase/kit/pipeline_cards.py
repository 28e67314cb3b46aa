"""Dashboard cards of a pipeline's records, from the declarations::

    def dashboard_cards(self):
        return pipeline_cards(pipelines=PIPELINES, entity=LEADS, icon="person-lines-fill")

* the funnel: each stage of the default pipeline with the records the member may see in it;
* conversion by source: per value of a choice field, the share won and the value won (what a
  marketing attribution reads);
* the counts: open, won, lost, and the follow-ups due today.

Each is one query, kept per tenant version (``counts_cached``), and each figure links to the
entity's list filtered to it. The period figures come from the same declarations::

    def dashboard_kpis(self):
        return pipeline_kpi_groups(entity=LEADS, new_label=_("New leads"), order=20)

    def dashboard_charts(self):
        return pipeline_charts(pipelines=PIPELINES, entity=LEADS, title=_("Lead funnel"))

* the tiles: records new in the period, and the conversion (the share of the records closed
  in the period that were won), each beside the period before;
* the funnel chart: the period's new records by the stage of the default pipeline they are
  in now.
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

__all__ = [
    "pipeline_cards",
    "pipeline_charts",
    "pipeline_conversion",
    "pipeline_counts",
    "pipeline_funnel",
    "pipeline_funnel_chart",
    "pipeline_kpi_groups",
    "pipeline_kpis",
]


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


# -- the period figures: KPI tiles and the funnel chart ---------------------------------------
def _rate(won: int, closed: int) -> float | None:
    return round(100 * won / closed, 1) if closed else None


def pipeline_kpis(*, records: Any, period: Any) -> dict[str, Any]:
    """``new``: the *records* created in *period*; ``conversion``: the share of those closed
    in it that were won; each with the period before. One query."""
    from opsbase.web.dashboard import KpiValue

    final = (StageKind.WON, StageKind.LOST)
    figures: dict[str, Any] = {}
    for suffix, (start, after) in (("", period.bounds()), ("_before", period.previous().bounds())):
        closed = Q(closed_at__gte=start, closed_at__lt=after)
        figures[f"new{suffix}"] = Count("pk", filter=Q(created_at__gte=start, created_at__lt=after))
        figures[f"won{suffix}"] = Count("pk", filter=closed & Q(stage__kind=StageKind.WON))
        figures[f"closed{suffix}"] = Count("pk", filter=closed & Q(stage__kind__in=final))
    found = records.order_by().aggregate(**figures)
    return {
        "new": KpiValue(found["new"], found["new_before"]),
        "conversion": KpiValue(
            _rate(found["won"], found["closed"]),
            _rate(found["won_before"], found["closed_before"]),
        ),
    }


def pipeline_funnel_chart(
    *, pipelines: Pipelines, records: Any, tenant_id: int, period: Any, label: Any
) -> Any:
    """The *records* created in *period*, by the stage of the default pipeline they are in
    now, in the pipeline's order (one series named *label*)."""
    from opsbase.web.dashboard import ChartData, Series

    start, after = period.bounds()
    made = records.filter(created_at__gte=start, created_at__lt=after)
    rows = pipeline_funnel(pipelines=pipelines, records=made, tenant_id=tenant_id)
    return ChartData(
        labels=[name for name, _pk, _count in rows],
        series=[Series(label, [count for _name, _pk, count in rows])],
    )


def pipeline_kpi_groups(
    *, entity: Entity, new_label: Any, new_icon: str = "person-plus", order: int = 20
) -> tuple[Any, ...]:
    """The dashboard's tiles of *entity*'s records: new ones (*new_label*) and the
    conversion, keyed by the app's label."""
    from opsbase.web.dashboard import KpiGroup, Tile

    return (
        KpiGroup(
            key=entity.model._meta.app_label,
            codename=entity.codenames.view,
            compute=lambda membership, period: pipeline_kpis(
                records=entity.records(membership), period=period
            ),
            order=order,
            tiles=(
                Tile("new", new_label, icon=new_icon, url_name=entity.rows.url_name("list")),
                Tile("conversion", gettext_lazy("Conversion"), icon="bullseye", format="percent"),
            ),
        ),
    )


def pipeline_charts(
    *, pipelines: Pipelines, entity: Entity, title: Any, order: int = 20
) -> tuple[Any, ...]:
    """The dashboard's funnel chart (*title*) of *entity*'s records, keyed
    ``<model>-funnel``."""
    from opsbase.web.dashboard import Chart

    meta = entity.model._meta

    def data(membership: Any, period: Any) -> Any:
        return pipeline_funnel_chart(
            pipelines=pipelines,
            records=entity.records(membership),
            tenant_id=membership.tenant_id,
            period=period,
            label=capfirst(str(meta.verbose_name_plural)),
        )

    return (
        Chart(
            key=f"{meta.model_name}-funnel",
            title=title,
            heading=gettext_lazy("Stage"),
            codename=entity.codenames.view,
            data=data,
            kind="funnel",
            icon="funnel",
            order=order,
        ),
    )
