"""The kit's small declarations: ``role_grants`` (a "see all" right as a scope), a
workflow's ``transitions_table``, a module's ``DeclaredDashboard`` with ``lazy`` functions,
and the ``DayFilter`` date picker."""

from types import SimpleNamespace

from opsbase.kernel.workflows import Transition
from opsbase.kit.dashboards import DeclaredDashboard, lazy
from opsbase.kit.forms import DayFilter
from opsbase.kit.registration import role_grants
from opsbase.kit.transitions import transitions_table
from opsbase.web.dashboard import Chart, CountsCard, KpiGroup


def _member(*codenames):
    return SimpleNamespace(pk=1, role=SimpleNamespace(grants=lambda c: c in codenames))


def test_role_grants_reaches_everything_only_for_a_role_holding_the_codename():
    scope = role_grants("x.view_all")

    assert scope.test(_member("x.view_all"), object()) is True
    assert scope.test(_member(), object()) is False
    assert str(scope.q(_member("x.view_all"))) == "(AND: )"
    assert "pk__in" in str(scope.q(_member()))


def test_transitions_table_gives_each_row_the_shared_keywords():
    made = transitions_table(
        ("start", {"todo"}, "doing", "Start"),
        ("finish", "doing", "done", "Finish"),
        codename="x.move",
        effects="x.effects",
    )

    assert made == [
        Transition("start", {"todo"}, "doing", "x.move", label="Start", effects="x.effects"),
        Transition("finish", "doing", "done", "x.move", label="Finish", effects="x.effects"),
    ]


def test_lazy_imports_the_function_when_called_and_keeps_its_name():
    join = lazy("os.path.join")

    assert join.__name__ == "join"
    assert join("a", "b") == "a/b"


def test_declared_dashboard_splits_its_parts_by_kind_in_order():
    count = lambda m: []  # noqa: E731
    cards = (CountsCard("a", "A", count), CountsCard("b", "B", count))
    group = KpiGroup("k", (), compute=lambda m, p: {})
    chart = Chart("c", "C", data=lambda m, p: None)

    class Config(DeclaredDashboard):
        dashboard = (cards[0], group, chart, cards[1])

    config = Config()
    assert config.dashboard_cards() == cards
    assert config.dashboard_kpis() == (group,)
    assert config.dashboard_charts() == (chart,)


def test_day_filter_offers_the_browser_date_picker():
    due = DayFilter(label="Due from", field_name="due_date", lookup_expr="gte")

    assert due.field.widget.input_type == "date"
    assert (due.field_name, due.lookup_expr) == ("due_date", "gte")
