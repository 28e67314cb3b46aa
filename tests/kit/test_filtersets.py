"""A filter set's form class is built once per language (``kit.forms.quick_filterset``), and
each form still answers for its own request: its organization's members, its language."""

import django_filters
import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import translation

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.forms import FOREIGN_MEMBER, MemberChoiceFilter, quick_filterset
from opsbase.modules.tasks.filters import TaskFilter
from opsbase.modules.tasks.models import Task


def _filters(membership, query: str):
    request = RequestFactory().get(f"/?{query}")
    request.membership = membership
    quick = quick_filterset(TaskFilter)
    return quick(QueryDict(query), queryset=Task.objects.unscoped().all(), request=request)


def test_the_form_class_is_built_once_per_language(world):
    manager = world.members[RoleKind.MANAGER]

    first, second = _filters(manager, "status=todo"), _filters(manager, "priority=low")
    with translation.override("de"):
        german = _filters(manager, "status=todo")
        german_label = str(german.form.fields["due_from"].label)
        wanted = translation.gettext("Due from")

    assert type(first.form) is type(second.form)
    assert type(german.form) is not type(first.form)
    assert type(first.form).__name__ == "TaskFilterForm"
    assert first.form.fields is not second.form.fields  # each form its own fields
    assert german_label == wanted  # worded in the form's language


def test_each_form_offers_and_accepts_only_its_own_organizations_members(world):
    """Built for no request, the class holds no members: each form gets its request's, so
    a form never accepts a member of the organization an earlier request was made in."""
    home, away = world.members[RoleKind.MANAGER], world.away_members[RoleKind.MANAGER]
    home_user, away_user = world.members[RoleKind.USER], world.away_members[RoleKind.USER]

    for _turn in range(2):
        assert _filters(home, f"assignee={home_user.pk}").is_valid()
        foreign = _filters(home, f"assignee={away_user.pk}")
        assert not foreign.is_valid()
        assert foreign.errors["assignee"] == [str(FOREIGN_MEMBER)]
        assert _filters(away, f"assignee={away_user.pk}").is_valid()
        assert not _filters(away, f"assignee={home_user.pk}").is_valid()

    offered = set(_filters(home, "").form.fields["assignee"].queryset.values_list("pk", flat=True))
    assert home_user.pk in offered and away_user.pk not in offered


def test_a_filter_set_that_builds_its_own_form_is_left_as_it_is():
    class OwnForm(django_filters.FilterSet):
        assignee = MemberChoiceFilter()

        class Meta:
            model = Task
            fields = ["assignee"]

        def get_form_class(self):
            return super().get_form_class()

    class OwnField(django_filters.CharFilter):
        @property
        def field(self):
            return super().field

    class OwnFilter(django_filters.FilterSet):
        title = OwnField()

        class Meta:
            model = Task
            fields = ["title"]

    class OwnInit(django_filters.FilterSet):
        assignee = MemberChoiceFilter()

        class Meta:
            model = Task
            fields = ["assignee"]

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.filters["assignee"].label = "Who"

    assert quick_filterset(OwnForm) is OwnForm
    assert quick_filterset(OwnFilter) is OwnFilter
    assert quick_filterset(OwnInit) is OwnInit
    assert quick_filterset(TaskFilter) is not TaskFilter
    assert issubclass(quick_filterset(TaskFilter), TaskFilter)


@pytest.mark.parametrize("where", ["page", "api"])
def test_a_list_filtered_by_another_organizations_member_is_refused(world, where):
    from opsbase.testing.api import token_client
    from opsbase.testing.matrix import session_client

    manager, away_user = world.members[RoleKind.MANAGER], world.away_members[RoleKind.USER]
    home_user = world.members[RoleKind.USER]
    if where == "api":
        client = token_client(manager)
        refused = client.get(f"/api/v1/tasks/?assignee={away_user.pk}")
        assert refused.status_code == 400
        assert "assignee" in refused.json()["error"]["fields"]
        assert client.get(f"/api/v1/tasks/?assignee={home_user.pk}").status_code == 200
    else:
        client = session_client(manager)
        page = client.get(f"/tasks/all/?assignee={away_user.pk}").content.decode()
        assert str(FOREIGN_MEMBER) in page
        assert (
            str(FOREIGN_MEMBER)
            not in client.get(f"/tasks/all/?assignee={home_user.pk}").content.decode()
        )
