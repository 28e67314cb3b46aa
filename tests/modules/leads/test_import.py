"""CSV import through the API: all or nothing, a dry run, the rows named, encodings."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbase.modules.leads.models import Lead
from opsbase.testing.api import token_client


def csv_file(text, encoding="utf-8"):
    return SimpleUploadedFile("leads.csv", text.encode(encoding), content_type="text/csv")


def rows(count, bad=None):
    out = io.StringIO()
    out.write("Name,Company,E-mail,Phone,Value\n")
    for n in range(count):
        email = "not-an-email" if n == bad else f"person{n}@example.test"
        out.write(f"Person {n},Company {n % 50},{email},,{n}\n")
    return out.getvalue()


def post(client, text, **query):
    url = "/api/v1/leads/import/" + ("?dry_run=1" if query.get("dry_run") else "")
    return client.post(url, {"file": csv_file(text)}, format="multipart")


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(manager):
    client = token_client(manager)

    answer = post(client, rows(5, bad=3))

    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["row 5"]
    assert not Lead.objects.for_tenant(manager.tenant).exists()


def test_a_valid_file_imports_every_row_as_imported_leads(manager):
    answer = post(token_client(manager), rows(5))

    assert answer.status_code == 201
    assert answer.json()["imported"] == 5
    leads = Lead.objects.for_tenant(manager.tenant)
    assert leads.count() == 5
    assert set(leads.values_list("source", flat=True)) == {"import"}


def test_a_dry_run_reports_each_bad_row_and_stores_nothing(manager):
    answer = post(token_client(manager), rows(4, bad=1), dry_run=True)

    assert answer.status_code == 200
    assert [r["row"] for r in answer.json()["rows"]] == [3]
    assert not Lead.objects.for_tenant(manager.tenant).exists()


def test_a_bom_is_read_as_utf8(manager):
    text = "\ufeff" + "Name,Company\nZoë Ångström,Ærø AS\n"

    answer = post(token_client(manager), text)

    assert answer.status_code == 201
    assert Lead.objects.for_tenant(manager.tenant).get().name == "Zoë Ångström"


def test_a_file_not_in_utf8_is_a_400(manager):
    answer = token_client(manager).post(
        "/api/v1/leads/import/",
        {"file": csv_file("Name\nZoë\n", encoding="latin-1")},
        format="multipart",
    )

    assert answer.status_code == 400
    assert "UTF-8" in answer.json()["error"]["message"]


def test_a_file_without_a_name_column_is_a_400_naming_it(manager):
    answer = post(token_client(manager), "Company,E-mail\nInitech,a@b.test\n")

    assert answer.status_code == 400
    assert (
        "Name" in answer.json()["error"]["message"] or "name" in answer.json()["error"]["message"]
    )


def test_an_import_lands_in_the_importers_organization_only(world):
    from opsbase.kernel.roles.constants import RoleKind

    stranger = world.away_members[RoleKind.USER]
    answer = post(token_client(stranger), rows(1))

    assert answer.status_code == 201
    assert not Lead.objects.for_tenant(world.home).exists()


@pytest.mark.slow
def test_ten_thousand_rows_import_all_or_nothing(manager):
    client = token_client(manager)

    refused = post(client, rows(10_000, bad=9_000))
    accepted = post(client, rows(10_000))

    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["row 9002"]
    assert accepted.status_code == 201
    assert Lead.objects.for_tenant(manager.tenant).count() == 10_000


def test_the_import_page_previews_then_imports_every_row_or_none(manager):
    from opsbase.testing.matrix import session_client

    client = session_client(manager)
    client.post("/leads/import/", {"step": "upload", "file": csv_file(rows(3, bad=2))})
    preview = client.get("/leads/import/")
    refused = client.post("/leads/import/", {"step": "import"})

    assert preview.status_code == 200
    assert refused.status_code == 400
    assert not Lead.objects.for_tenant(manager.tenant).exists()

    client.post("/leads/import/", {"step": "cancel"})
    client.post("/leads/import/", {"step": "upload", "file": csv_file(rows(3))})
    done = client.post("/leads/import/", {"step": "import"})

    assert done.status_code == 302
    assert Lead.objects.for_tenant(manager.tenant).count() == 3
