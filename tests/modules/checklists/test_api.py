"""The form template API: build, publish, export and import back, check answers; field
errors as 400; another organization's template 404."""

from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.api import token_client

from .conftest import BIT_FIELDS, GOOD_ANSWERS

API = "/api/v1/form-templates/"


def test_a_template_is_built_published_exported_and_imported_back(world):
    client = token_client(world.members[RoleKind.MANAGER])

    made = client.post(API, {"name": "Bit inspection", "fields": BIT_FIELDS}, format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    published = client.post(f"{API}{pk}/publish/", format="json")
    exported = client.get(f"{API}{pk}/export/").json()
    exported["name"] = "Bit inspection (copy)"
    imported = client.post(f"{API}import/", exported, format="json")

    assert published.status_code == 201 and published.json()["number"] == 1
    assert client.get(f"{API}{pk}/").json()["versions"][0]["number"] == 1
    assert imported.status_code == 201, imported.json()
    assert imported.json()["fields"] == made.json()["fields"]
    assert imported.json()["latest_version"] == 0


def test_bad_fields_answer_400_naming_each(world):
    client = token_client(world.members[RoleKind.MANAGER])

    response = client.post(
        API,
        {
            "name": "Broken",
            "fields": [{"key": "x", "type": "number", "label": "X", "min": "3", "max": "1"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "fields.1.max" in response.json()["error"]["fields"]


def test_a_name_used_twice_is_a_field_error(world):
    client = token_client(world.members[RoleKind.MANAGER])
    client.post(API, {"name": "Goods in"}, format="json")

    response = client.post(API, {"name": "goods IN"}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]


def test_check_answers_reports_flags_and_errors_and_keeps_nothing(world):
    client = token_client(world.members[RoleKind.MANAGER])
    pk = client.post(API, {"name": "Bit", "fields": BIT_FIELDS}, format="json").json()["id"]

    failing = client.post(
        f"{API}{pk}/check/", {"answers": {**GOOD_ANSWERS, "gauge_od": 9}}, format="json"
    ).json()
    missing = client.post(f"{API}{pk}/check/", {"answers": {}}, format="json").json()

    assert failing["valid"] and failing["result"] == "fail" and "gauge_od" in failing["flags"]
    assert not missing["valid"] and "signature" in missing["errors"]
    assert "cutter_notes" not in missing["errors"]


def test_a_published_template_cannot_be_deleted(world):
    client = token_client(world.members[RoleKind.ADMIN])
    pk = client.post(API, {"name": "Bit", "fields": BIT_FIELDS}, format="json").json()["id"]
    client.post(f"{API}{pk}/publish/", format="json")

    assert client.delete(f"{API}{pk}/").status_code == 409


def test_an_import_that_is_not_an_export_is_refused(world):
    client = token_client(world.members[RoleKind.MANAGER])

    response = client.post(f"{API}import/", {"name": "X", "fields": []}, format="json")

    assert response.status_code == 400


def test_another_organizations_template_is_not_found(world, make_template):
    theirs = make_template(world.away_members[RoleKind.MANAGER])
    client = token_client(world.members[RoleKind.ADMIN])

    assert client.get(f"{API}{theirs.pk}/").status_code == 404
    assert client.post(f"{API}{theirs.pk}/publish/").status_code == 404
    assert client.get(f"{API}{theirs.pk}/export/").status_code == 404
