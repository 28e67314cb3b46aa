"""What the dashboard shows, as modules contribute it: count cards, KPI tiles with trends,
charts with their CSV, and the "quick create" menu (``docs/analytics.md``). The kernel
registers a module's declarations (``ModuleConfig.dashboard_cards()``, ``dashboard_kpis()``,
``dashboard_charts()``, ``quick_create``) at start-up.

Count cards (``dashboard.register`` in ``AppConfig.ready``).

A card shows a few counts with links, for memberships whose role grants its codename::

    from opsbase.web import dashboard

    dashboard.register(dashboard.CountsCard(
        key="tasks", title=_("Tasks"), icon="check2-square", codename="tasks.view_task",
        counts=task_dashboard_counts, order=10,
    ))

``counts(membership)`` returns ``[(label, number, url or None), ...]``; apps cache it (modules
keep it per tenant version, ``opsbase.kit.caching.counts_cached``, so it costs no query until
a write). A card
whose counts change only with its tenant's version (``opsbase.core.cache.tenant_version_bump``
on every write they depend on) says ``versioned=True``; a dashboard whose cards all do is kept
whole in the cache (``opsbase.web.page_cache``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from opsbase.conf import setting
from opsbase.core.cache import cache_get, cache_set, versioned_key

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


@dataclass(frozen=True)
class CountsCard:
    key: str
    title: _StrOrPromise
    counts: Callable[[Any], list[tuple[Any, int, str | None]]]
    icon: str = "circle"
    codename: str | None = None
    order: int = 100
    versioned: bool = False


_cards: dict[str, CountsCard] = {}


def register(card: CountsCard) -> None:
    """Add *card* to the dashboard (the same key again replaces it)."""
    _cards[card.key] = card


def unregister(key: str) -> None:
    _cards.pop(key, None)


def _shown(membership) -> list[CountsCard]:
    ordered = sorted(_cards.values(), key=lambda c: (c.order, c.key))
    return [c for c in ordered if not c.codename or membership.role.grants(c.codename)]


def cards_versioned(membership) -> bool:
    """True when every card *membership* sees changes only with its tenant's version."""
    return all(card.versioned for card in _shown(membership))


def cards_for(membership) -> list[dict]:
    """The cards *membership* may see, in order, with their counts."""
    if membership is None:
        return []
    shown = []
    for card in _shown(membership):
        counts = [
            {"label": label, "value": value, "url": url}
            for label, value, url in card.counts(membership)
        ]
        shown.append({"key": card.key, "title": card.title, "icon": card.icon, "counts": counts})
    return shown


# -- the analytics dashboard: periods, KPI tiles, charts, quick create ----------------------
#
# Modules declare them in their ``ModuleConfig`` (``dashboard_kpis()``, ``dashboard_charts()``,
# ``quick_create``); the kernel registers them here at start-up. Every figure is computed by
# the module (its selectors, so a member sees what its role lets it see) and kept in the cache
# per tenant version (``opsbase.core.cache``: every write to the tenant's data renews it),
# the policy's visibility scope of the declaration's codename, the period and the language.


@dataclass(frozen=True)
class Period:
    """A range of days, both ends included, in the active time zone."""

    start: date
    end: date
    preset: str = "custom"  # "7", "30", "90" (days up to today) or "custom"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end, self.preset)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: midnight of the first day, of the day after the
        last."""
        zone = timezone.get_current_timezone()
        first = datetime.combine(self.start, time.min, tzinfo=zone)
        after = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)
        return first, after

    def query(self) -> str:
        """The GET parameters that ask for this period again."""
        if self.preset != "custom":
            return urlencode({"range": self.preset})
        return urlencode(
            {"range": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}
        )

    def weeks(self) -> list[date]:
        """The Monday of every week the period touches."""
        monday = self.start - timedelta(days=self.start.weekday())
        return [monday + timedelta(weeks=n) for n in range((self.end - monday).days // 7 + 1)]

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day + timedelta(days=32)).replace(day=1)
        return months


def period_last(days: int, *, today: date | None = None) -> Period:
    """The last *days* days up to today."""
    end = today or timezone.localdate()
    return Period(end - timedelta(days=days - 1), end, str(days))


@dataclass(frozen=True)
class KpiValue:
    """A figure of the period and of the one before (None: no comparison)."""

    current: Any
    previous: Any = None
    unit: str = ""  # a currency code, "%"...


@dataclass(frozen=True)
class Tile:
    """How one KPI of a group is shown: ``better`` says which way is good news ("up": more is
    better, "down": fewer is better); ``url_name`` (and ``query``) the list behind it."""

    key: str
    label: _StrOrPromise
    icon: str = "graph-up"
    format: str = "number"  # "number", "money" or "percent"
    better: str = "up"
    url_name: str | None = None
    query: str = ""


@dataclass(frozen=True)
class KpiGroup:
    """KPI tiles computed together: ``compute(membership, period)`` answers ``{tile key:
    KpiValue}`` in a few queries, for the members whose role grants ``codename``."""

    key: str
    tiles: tuple[Tile, ...]
    compute: Callable[[Any, Period], dict[str, KpiValue]]
    codename: str | None = None
    order: int = 100


@dataclass(frozen=True)
class Series:
    label: _StrOrPromise
    values: list[Any]


@dataclass(frozen=True)
class ChartData:
    """What a chart shows, and what its CSV holds: one row per label, one column per series."""

    labels: list[str]
    series: list[Series]
    unit: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart on the dashboard: ``data(membership, period)`` gives its ``ChartData``.
    ``kind``: "bar", "line", "doughnut" or "funnel" (horizontal bars); ``heading`` names the
    labels' column in the CSV."""

    key: str
    title: _StrOrPromise
    data: Callable[[Any, Period], ChartData]
    codename: str | None = None
    kind: str = "bar"
    heading: _StrOrPromise = ""
    icon: str = "bar-chart"
    order: int = 100


_kpis: dict[str, KpiGroup] = {}
_charts: dict[str, Chart] = {}
_creates: dict[str, Any] = {}  # url name -> opsbase.web.navigation.NavItem


def register_kpis(group: KpiGroup) -> None:
    _kpis[group.key] = group


def register_chart(chart: Chart) -> None:
    _charts[chart.key] = chart


def register_quick_create(item: Any) -> None:
    """A create page for the "quick create" menu (a ``NavItem``: label, url name, icon,
    codename)."""
    _creates[item.url_name] = item


def unregister_kpis(key: str) -> None:
    _kpis.pop(key, None)


def unregister_chart(key: str) -> None:
    _charts.pop(key, None)


def _granted(membership, codename: str | None) -> bool:
    return not codename or membership.role.grants(codename)


def _scope(membership, codename: str | None) -> str:
    from opsbase.kernel.policy import policy

    if not codename:
        return f"{membership.tenant_id}:all"
    return f"{membership.tenant_id}:{policy.rule(codename).scope.q(membership)!r}"


def _cached(kind: str, membership, codename: str | None, period: Period, compute):
    """*compute()* kept per tenant version, visibility scope, period, language and date."""
    key = versioned_key(
        f"dashboard:{kind}",
        membership.tenant_id,
        _scope(membership, codename),
        period.start.isoformat(),
        period.end.isoformat(),
        translation.get_language(),
        timezone.localdate().isoformat(),
    )
    found = cache_get(key) if key is not None else None
    if found is None:
        found = compute()
        if key is not None:
            cache_set(key, found, setting("LIST_CACHE_TIMEOUT"))
    return found


def _trend(value: KpiValue, better: str) -> dict[str, Any]:
    """The arrow of a tile: which way, how much, and whether that is good news."""
    current, previous = value.current, value.previous
    if previous is None or current is None:
        return {"direction": None}
    if current == previous:
        return {"direction": "flat", "good": None, "change": None}
    direction = "up" if current > previous else "down"
    change = None
    if previous:
        change = round(abs(float(current) - float(previous)) * 100 / abs(float(previous)))
    return {"direction": direction, "good": direction == better, "change": change}


def kpis_for(membership, period: Period) -> list[dict[str, Any]]:
    """The KPI tiles *membership* may see for *period*, in order, with their trends."""
    shown = []
    for group in sorted(_kpis.values(), key=lambda g: (g.order, g.key)):
        if not _granted(membership, group.codename):
            continue
        values = _cached(
            f"kpi:{group.key}",
            membership,
            group.codename,
            period,
            lambda group=group: group.compute(membership, period),
        )
        for tile in group.tiles:
            value = values.get(tile.key)
            if value is None:
                continue
            url = None
            if tile.url_name:
                try:
                    url = reverse(tile.url_name) + (f"?{tile.query}" if tile.query else "")
                except NoReverseMatch:
                    url = None
            shown.append(
                {
                    "key": f"{group.key}-{tile.key}",
                    "tile": tile,
                    "value": value,
                    "trend": _trend(value, tile.better),
                    "url": url,
                }
            )
    return shown


def charts_registered() -> list[str]:
    return list(_charts)


def charts_visible(membership) -> list[Chart]:
    return [
        chart
        for chart in sorted(_charts.values(), key=lambda c: (c.order, c.key))
        if _granted(membership, chart.codename)
    ]


def chart_get(membership, key: str) -> Chart | None:
    """The chart *key* if *membership* may see it (None: unknown, or not for its role)."""
    chart = _charts.get(key)
    if chart is None or not _granted(membership, chart.codename):
        return None
    return chart


def chart_data(membership, chart: Chart, period: Period) -> ChartData:
    """*chart*'s data for *membership* and *period* (cached like the KPIs)."""
    return _cached(
        f"chart:{chart.key}",
        membership,
        chart.codename,
        period,
        lambda: chart.data(membership, period),
    )


def chart_csv_rows(chart: Chart, data: ChartData) -> tuple[list[Any], list[list[Any]]]:
    """The CSV of *data*: a header (the labels' heading, then each series, with its unit),
    and one row per label."""
    unit = f" ({data.unit})" if data.unit else ""
    header = [chart.heading or chart.title, *[f"{s.label}{unit}" for s in data.series]]
    rows = [
        [label, *[s.values[i] if i < len(s.values) else "" for s in data.series]]
        for i, label in enumerate(data.labels)
    ]
    return header, rows


def quick_create_for(membership) -> list[dict[str, Any]]:
    """The create pages *membership* may open, in order, with their URLs."""
    shown = []
    for item in sorted(_creates.values(), key=lambda i: (i.order, str(i.label))):
        if not _granted(membership, item.codename):
            continue
        try:
            shown.append({"item": item, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return shown
