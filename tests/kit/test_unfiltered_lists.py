"""An unfiltered list (the most common read) builds no filter set and no form: its controls
come from the filter set's shared form without data (``FormClassBuiltOnce.unbound_form``),
and must be exactly what a form of the request's own shows, its organization's members
included."""

import django_filters
import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import translation

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.models import Role
from opsbase.kit.forms import quick_filterset
from opsbase.kit.listing import ListControls
from opsbase.modules.tasks.filters import TaskFilter
from opsbase.modules.tasks.models import Task
from opsbase.testing.matrix import session_client


def _request(membership):
    request = RequestFactory().get("/tasks/all/")
    request.membership = membership
    return request


def _shown(controls: ListControls) -> list[tuple[str, str, str, list[str]]]:
    every = [controls.search, *controls.controls]
    return [(c.name, c.label, str(c.html), c.errors) for c in every if c is not None]


@pytest.mark.parametrize("members_url", ["", "/tasks/members/"])
def test_the_shared_form_shows_what_a_form_of_the_request_shows(world, members_url):
    """With a members URL, neither lists the members (fetched when the panel opens)."""
    quick = quick_filterset(TaskFilter)
    for membership in (world.members[RoleKind.MANAGER], world.away_members[RoleKind.ADMIN]):
        request = _request(membership)
        own = quick(None, queryset=Task.objects.unscoped().all(), request=request).form
        expected = ListControls(own, QueryDict(""), request, members_url)
        for _turn in range(2):  # the second from what the shared form kept
            shared = ListControls.unbound(quick.unbound_form(), QueryDict(""), request, members_url)
            assert _shown(shared) == _shown(expected)
            assert shared.chips == [] and not shared.errors


def test_each_request_is_offered_its_own_organizations_members(world):
    quick = quick_filterset(TaskFilter)
    home, away = world.members[RoleKind.MANAGER], world.away_members[RoleKind.MANAGER]
    for actor, own, foreign in ((home, world.spare, away), (away, away, world.spare)):
        controls = ListControls.unbound(quick.unbound_form(), QueryDict(""), _request(actor))
        assignee = next(c for c in controls.controls if c.name == "assignee")
        assert f'value="{own.pk}"' in assignee.html
        assert f'value="{foreign.pk}"' not in assignee.html


def test_the_shared_form_is_worded_in_each_language(world):
    quick = quick_filterset(TaskFilter)
    request = _request(world.members[RoleKind.MANAGER])
    english_form = quick.unbound_form()
    with translation.override("de"):
        german_form = quick.unbound_form()
        german = ListControls.unbound(german_form, QueryDict(""), request)
        wanted = translation.gettext("Due from")
    assert german_form is not english_form  # one shared form per language
    assert {c.name: c.label for c in german.controls}["due_from"] == wanted


def test_a_filter_set_offering_other_records_builds_its_form_per_request():
    class ByRole(django_filters.FilterSet):
        role = django_filters.ModelChoiceFilter(queryset=lambda request: Role.objects.none())

        class Meta:
            model = Task
            fields = ["role"]

    assert quick_filterset(ByRole).unbound_form() is None
    assert quick_filterset(TaskFilter).unbound_form() is not None


@pytest.fixture
def built(monkeypatch):
    """The filter sets the request built, by class name."""
    made: list[str] = []
    real = django_filters.FilterSet.__init__

    def init(self, *args, **kwargs):
        made.append(type(self).__name__)
        real(self, *args, **kwargs)

    monkeypatch.setattr(django_filters.filterset.BaseFilterSet, "__init__", init)
    return made


def test_an_unfiltered_page_builds_no_filter_set_and_a_filtered_one_does(world, built):
    client = session_client(world.members[RoleKind.MANAGER])

    page = client.get("/tasks/all/")
    assert page.status_code == 200
    assert built == []
    assert 'data-testid="task-filter-toggle"' in page.content.decode()

    assert client.get("/tasks/all/?status=todo").status_code == 200
    assert built == ["TaskFilter"]


def test_a_template_asking_for_the_filter_set_gets_it_built(world, built):
    from opsbase.kit.views import Unfiltered

    request = _request(world.members[RoleKind.MANAGER])
    quick = quick_filterset(TaskFilter)
    lazy = Unfiltered(lambda: quick(None, queryset=Task.objects.none(), request=request), None)
    assert lazy and built == []  # true without building
    assert not lazy.is_bound and built == ["TaskFilter"]
    assert "status" in lazy.filters and built == ["TaskFilter"]  # built once
