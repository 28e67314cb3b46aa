"""CSV import of tasks (the kit's import page): upload, map, preview with per-row errors,
then all or nothing through the create service; an exported list imports back."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.tasks.models import Task
from opsbase.testing.matrix import session_client

URL = "/tasks/import/"


def _upload(client, text, name="tasks.csv"):
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(URL, {"step": "upload", "file": upload})


def _import(client):
    return client.post(URL, {"step": "import"})


def _titles(world):
    return sorted(Task.objects.for_tenant(world.home).values_list("title", flat=True))


def test_an_exported_list_imports_back_as_new_tasks_of_the_importer(world, manager, make_task):
    user = world.members[RoleKind.USER]
    make_task(manager, title="Check the pumps", priority="urgent", assignee=user)
    make_task(manager, title="=cmd|' /C calc'!A0", due_date="2030-05-01")
    client = session_client(manager)
    exported = b"".join(client.get("/tasks/all/?format=csv").streaming_content).decode()

    assert _upload(client, exported).status_code == 302
    preview = client.get(URL)
    done = _import(client)

    assert preview.context["ready"] and preview.context["count"] == 2
    assert done.status_code == 302 and done["Location"] == "/tasks/"
    copies = Task.objects.for_tenant(world.home).order_by("pk")[2:]
    assert sorted((t.title, t.priority, str(t.due_date), t.assignee_id) for t in copies) == [
        ("=cmd|' /C calc'!A0", "normal", "2030-05-01", None),
        ("Check the pumps", "urgent", "None", user.pk),
    ]
    assert {t.owner_id for t in copies} == {manager.user_id}
    created = AuditEvent.objects.for_tenant(world.home).filter(
        action="create", target_type="tasks.task"
    )
    assert created.filter(target_id__in=[str(t.pk) for t in copies]).count() == 2


def test_the_preview_names_each_bad_row_and_nothing_is_written(world, manager):
    foreign = world.away_members[RoleKind.USER]
    text = (
        "title,priority,assignee\n"
        "Check the pumps,high,\n"
        "ab,low,\n"
        f"Order valves,someday,{foreign.user.email}\n"
    )
    client = session_client(manager)
    _upload(client, text)

    preview = client.get(URL)
    refused = _import(client)

    failed = {row.number: row.errors for row in preview.context["failed"]}
    assert set(failed) == {3, 4}
    assert "Title must be at least 3 characters." in " ".join(failed[3])
    assert "Choose a member of this organization." in " ".join(failed[4])
    assert "Select a valid choice" in " ".join(failed[4])
    assert not preview.context["ready"]
    assert 'data-testid="task-import-confirm"' not in preview.content.decode()
    assert refused.status_code == 400
    assert _titles(world) == []


def test_columns_are_mapped_by_hand_when_the_names_differ(world, manager):
    user = world.members[RoleKind.USER]
    text = f"Name;Urgency;Who\nOil the press;Urgent;{user.user.email.upper()}\n"
    client = session_client(manager)
    _upload(client, text)
    assert client.get(URL).context["failed"]  # no title column found: every row lacks one

    client.post(
        URL, {"step": "map", "map-title": "Name", "map-priority": "Urgency", "map-assignee": "Who"}
    )
    done = _import(client)

    assert done.status_code == 302
    task = Task.objects.for_tenant(world.home).get()
    assert (task.title, task.priority, task.assignee_id) == ("Oil the press", "urgent", user.pk)


def test_a_row_the_service_refuses_undoes_the_whole_import(world, manager, monkeypatch):
    from opsbase.modules.tasks import services

    real = services.record_create

    def refuse_the_second(**kwargs):
        if kwargs["obj"].title == "Second":
            raise ValidationError(extra={"fields": {"title": ["Refused by the service."]}})
        return real(**kwargs)

    monkeypatch.setattr(services, "record_create", refuse_the_second)
    client = session_client(manager)
    _upload(client, "title\nFirst\nSecond\nThird\n")

    refused = _import(client)

    assert refused.status_code == 400
    assert [(r.number, r.errors) for r in refused.context["failed"]] == [
        (3, ["Refused by the service."])
    ]
    assert _titles(world) == []
    events = AuditEvent.objects.for_tenant(world.home).filter(target_type="tasks.task")
    assert not events.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title\n".encode("utf-16"), "not CSV text in UTF-8"),
        ("title\nCafé pumps\n".encode("latin-1"), "not CSV text in UTF-8"),
        (("title\n" + "Pumps\n" * 500 + "Café\n").encode("latin-1"), "not CSV text in UTF-8"),
        (b"title\n", "at least one row"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "not CSV text in UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(manager, content, message):
    client = session_client(manager)
    upload = SimpleUploadedFile("tasks.csv", content, content_type="text/csv")

    response = client.post(URL, {"step": "upload", "file": upload})

    assert response.status_code == 400
    assert message in " ".join(response.context["upload"].errors["file"])


def test_too_many_rows_are_refused(settings, manager):
    settings.OPSBASE_IMPORT_MAX_ROWS = 3
    client = session_client(manager)

    response = _upload(client, "title\n" + "".join(f"Task {n}\n" for n in range(4)))

    assert response.status_code == 400
    assert "at most 3" in " ".join(response.context["upload"].errors["file"])


def test_an_export_escapes_formulas_and_gives_people_by_email(world, manager, make_task):
    user = world.members[RoleKind.USER]
    make_task(manager, title="@SUM(A1)", assignee=user)

    response = session_client(manager).get("/tasks/all/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert rows[0]["title"] == "'@SUM(A1)"
    assert rows[0]["assignee"] == user.user.email
    assert rows[0]["owner"] == manager.user.email
    assert rows[0]["status"] == "To do"
