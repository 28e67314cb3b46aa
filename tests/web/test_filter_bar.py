"""The filter bar of the lists (``opsbase/partials/filter_bar.html``): one include, the fields,
ids, labels and buttons each list asks for."""

import re

import django
import pytest
from django.apps import apps

from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.matrix import session_client


def filter_form(html: str) -> str:
    forms = re.findall(r'<form method="get"[^>]*role="search".*?</form>', html, flags=re.S)
    assert len(forms) == 1, "one filter form per list page"
    return forms[0]


def opening_tag(form: str) -> str:
    return form[: form.index(">") + 1]


def labelled(form: str) -> dict[str, str]:
    """Control id -> its label's text."""
    return {
        for_id: " ".join(text.split())
        for for_id, text in re.findall(
            r'<label\b[^>]*\bfor="([^"]+)"[^>]*>(.*?)</label>', form, re.S
        )
    }


def names(form: str) -> list[str]:
    return re.findall(r'<(?:input|select)\b[^>]*\bname="([^"]+)"', form)


@pytest.fixture
def admin_page(world):
    client = session_client(world.members[RoleKind.ADMIN])

    def get(path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200
        return response.content.decode()

    return get


@pytest.mark.skipif(not apps.is_installed("opsbase.modules.tasks"), reason="tasks not installed")
@pytest.mark.parametrize(
    ("path", "clear"), [("/tasks/", "/tasks/"), ("/tasks/all/", "/tasks/all/")]
)
def test_the_task_filter_bar_keeps_its_fields_ids_and_labels(admin_page, path, clear):
    form = filter_form(admin_page(path))

    assert 'id="task-filters"' in opening_tag(form)
    assert 'data-testid="task-filters"' in opening_tag(form)
    assert labelled(form) == {
        "id_q": "Search",
        "id_status": "Status",
        "id_priority": "Priority",
        "id_assignee": "Assignee",
        "id_due_from": "Due from",
        "id_due_to": "Due until",
        "id_overdue": "Overdue",
        "task-sort": "Sort by",
        "task-page-size": "Per page",
        # In the Views menu, owned by the form that saves a view (form="task-save-view").
        "task-view-name": "Save these filters as",
    }
    assert [n for n in names(form) if n != "name"] == [  # "name": the view's, as above
        "q",
        "status",
        "priority",
        "assignee",
        "due_from",
        "due_to",
        "overdue",
        "sort",
        "page_size",
    ]
    assert re.search(r'<button type="submit"[^>]*data-testid="task-filter-apply"[^>]*>Apply<', form)
    assert f'href="{clear}" data-testid="task-filter-clear">Clear<' in form


@pytest.mark.skipif(not apps.is_installed("opsbase.modules.tasks"), reason="tasks not installed")
@pytest.mark.skipif(
    django.VERSION < (5, 0),
    reason="Django 5.0 marks invalid fields with aria-invalid and aria-describedby; 4.2 does not",
)
def test_an_invalid_task_filter_is_described_to_assistive_technology(admin_page):
    form = filter_form(admin_page("/tasks/all/?due_from=someday"))

    control = re.search(r'<input type="date" name="due_from"[^>]*>', form).group(0)
    assert 'aria-invalid="true"' in control
    assert 'aria-describedby="id_due_from_error"' in control
    assert 'id="id_due_from_error"' in form


def test_the_audit_filter_bar_keeps_its_fields_labels_and_action_suggestions(admin_page):
    form = filter_form(admin_page("/org/audit/"))

    assert "id=" not in opening_tag(form) and "data-testid" not in opening_tag(form)
    assert labelled(form) == {
        "id_q": "Search",
        "id_actor": "Actor",
        "id_action": "Action",
        "id_target_type": "Target type",
        "id_target_id": "Target id",
        "id_date_from": "From",
        "id_date_to": "To",
    }
    assert names(form) == [
        "q",
        "actor",
        "action",
        "target_type",
        "target_id",
        "date_from",
        "date_to",
    ]
    assert 'list="audit-actions"' in form
    assert re.search(r'<datalist id="audit-actions">\s*<option value="[^"]+">', form)
    assert re.search(r'<button type="submit" class="btn btn-primary">Filter</button>', form)
    assert 'href="/org/audit/">Clear<' in form


@pytest.mark.skipif(not apps.is_installed("opsbase.modules.tasks"), reason="tasks not installed")
def test_a_list_validates_its_filters_only_when_the_query_names_one(admin_page, monkeypatch):
    """A page, a sort or a page size alone leaves the filter form unbound (nothing to check,
    its fields shown empty); a filter in the query binds it, and a bad value is refused."""
    from django import forms

    checked: list[str] = []
    full_clean = forms.BaseForm.full_clean

    def spy(form):
        if form.is_bound:
            checked.append(type(form).__name__)
        return full_clean(form)

    monkeypatch.setattr(forms.BaseForm, "full_clean", spy)

    plain = filter_form(admin_page("/tasks/all/?page_size=50&sort=-due_date&page=1"))
    assert checked == []
    assert 'name="status"' in plain and "is-invalid" not in plain

    admin_page("/tasks/all/?status=done")
    assert checked == ["TaskFilterForm"]

    refused = filter_form(admin_page("/tasks/all/?due_from=not-a-date"))
    assert 'aria-invalid="true"' in refused
