"""The builder, preview and import pages as people use them; the demo; role templates; the
query budgets of the list, detail and API."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.checklists.constants import ADD, CHANGE, FILL, VIEW
from opsbase.modules.checklists.demo import demo_checklists_seed
from opsbase.modules.checklists.models import FormTemplate
from opsbase.testing.api import token_client
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client


def test_a_template_is_built_on_its_page(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    template = make_template(manager, fields=[])
    client = session_client(manager)

    client.post(
        f"/forms/{template.pk}/fields/",
        {"label": "Visual", "key": "visual", "type": "pass_fail", "required": "on"},
    )
    client.post(
        f"/forms/{template.pk}/fields/",
        {
            "label": "Torque",
            "key": "torque",
            "type": "number",
            "unit": "kN·m",
            "min": "20",
            "max": "27",
        },
    )
    client.post(f"/forms/{template.pk}/fields/torque/move/up/")
    client.post(f"/forms/{template.pk}/publish/")
    page = client.get(f"/forms/{template.pk}/")

    template.refresh_from_db()
    html = page.content.decode()
    assert [f["key"] for f in template.draft] == ["torque", "visual"]
    assert template.latest_version == 1
    assert html.count('data-testid="formtemplate-field"') == 2
    assert 'data-testid="formtemplate-version"' in html
    assert not html_problems(page.content)


def test_a_bad_field_shows_the_reason(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    template = make_template(manager, fields=[])
    client = session_client(manager)

    client.post(f"/forms/{template.pk}/fields/", {"label": "C", "key": "c", "type": "choice"})
    page = client.get(f"/forms/{template.pk}/").content.decode()

    assert "Give at least one choice." in page


def test_the_preview_shows_the_result_and_the_flags(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    template = make_template(manager)
    client = session_client(manager)

    response = client.post(
        f"/forms/{template.pk}/preview/",
        {
            "answer-visual": "pass",
            "answer-gauge_od": "9",
            "answer-cutters": "None",
            "answer-signature": "data:image/png;base64,iVBORw0KGgo=",
        },
    )

    html = response.content.decode()
    assert "This form would fail." in html
    assert 'data-testid="fill-flag"' in html
    assert 'data-signature-for="id_answer-signature"' in html
    assert not html_problems(response.content)


def test_a_template_is_imported_from_its_json_export(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    template = make_template(manager)
    client = session_client(manager)
    exported = client.get(f"/forms/{template.pk}/export/").content

    upload = SimpleUploadedFile("form.json", exported, content_type="application/json")
    response = client.post("/forms/import-json/", {"file": upload, "name": "Copy"})

    copy = FormTemplate.objects.for_tenant(world.home).get(name="Copy")
    assert response.status_code == 302
    assert copy.draft == json.loads(exported)["fields"]


def test_the_demo_publishes_three_templates_once(world):
    demo_checklists_seed(tenant=world.home)
    demo_checklists_seed(tenant=world.home)

    templates = FormTemplate.objects.for_tenant(world.home)
    assert templates.count() == 3
    assert set(templates.values_list("latest_version", flat=True)) == {1}


def test_role_templates_grant_the_forms_permissions():
    templates = {t["slug"]: set(t["permissions"]) for t in policy.templates()}

    assert {VIEW, ADD, CHANGE, FILL} <= templates["qc-inspector"]
    assert {VIEW, FILL} <= templates["technician"]


def test_lists_and_detail_cost_the_same_for_3_or_15_templates(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    page, api = session_client(manager), token_client(manager)
    template = make_template(manager, publish=True)
    for _ in range(2):
        make_template(manager, publish=True)

    def cost():
        counted = []
        for client, url in (
            (page, "/forms/"),
            (api, "/api/v1/form-templates/"),
            (page, f"/forms/{template.pk}/"),
            (api, f"/api/v1/form-templates/{template.pk}/"),
            (page, f"/forms/{template.pk}/preview/"),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counted.append(len(queries))
        return counted

    cost()
    few = cost()
    for _ in range(12):
        make_template(manager, publish=True)
    many = cost()

    assert many == few
    assert few[0] <= 20 and few[1] <= 12 and few[2] <= 20


def test_a_field_added_without_a_key_takes_one_from_its_label(world, make_template):
    manager = world.members[RoleKind.MANAGER]
    template = make_template(manager, fields=[])

    session_client(manager).post(
        f"/forms/{template.pk}/fields/", {"label": "Make-up torque", "type": "number"}
    )

    template.refresh_from_db()
    assert [f["key"] for f in template.draft] == ["make_up_torque"]
