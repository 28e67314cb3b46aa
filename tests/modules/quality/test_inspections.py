"""Inspections as inspectors use them: the result decided on the server, the NCR raised
from a failed one with its context, the work order kept in QC until the failure is covered
(409 with the reason), the scan page's and work order page's "Inspect" actions, the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.core.exceptions import Conflict, PermissionDenied, ValidationError
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.checklists.models import FormSubmission
from opsbase.modules.quality.demo import demo_quality_seed
from opsbase.modules.quality.models import Inspection
from opsbase.modules.quality.services import (
    disposition_record,
    inspection_create,
    inspection_raise_ncr,
    ncr_transition,
    ncr_update,
)
from opsbase.modules.workorders.services import workorder_transition
from opsbase.testing.api import token_client
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client

from .conftest import FAILING, PASSING, PNG, order_in_qc, qc_version, returned_bit


def test_an_out_of_tolerance_answer_fails_the_inspection(world, make_inspector):
    inspector = make_inspector()
    bit = returned_bit(world, world.home)

    inspection = inspection_create(
        membership=inspector, form_version=qc_version(inspector), answers=FAILING, drill_bit=bit
    )

    assert inspection.number.startswith("INS-")
    assert inspection.result == "fail"
    assert inspection.inspector == inspector and inspection.inspected_at
    assert inspection.submission.flags == {"torque": "31 kN·m is above the maximum 27 kN·m."}
    assert inspection.submission.answers["signature"]["content_type"] == "image/png"
    assert inspection.submission.answers["photo"]["file"]


def test_a_missing_required_answer_records_nothing(world, make_inspector):
    inspector = make_inspector()

    with pytest.raises(ValidationError) as refused:
        inspection_create(
            membership=inspector,
            form_version=qc_version(inspector),
            answers={"thread": "pass"},
            drill_bit=returned_bit(world, world.home),
        )

    assert set(refused.value.extra["fields"]) == {"answers.torque", "answers.signature"}
    assert not Inspection.objects.for_tenant(world.home).exists()
    assert not FormSubmission.objects.for_tenant(world.home).exists()


@pytest.mark.parametrize(
    ("subject", "field"),
    [("none", "drill_bit"), ("two", "drill_bit"), ("order_not_in_qc", "work_order")],
)
def test_an_inspection_names_one_subject_at_the_right_step(world, make_inspector, subject, field):
    from opsbase.modules.workorders.services import workorder_create

    inspector = make_inspector()
    bit = returned_bit(world, world.home)
    subjects = {
        "none": {},
        "two": {"drill_bit": bit, "work_order": order_in_qc(world, world.home)},
        "order_not_in_qc": {
            "work_order": workorder_create(membership=world.members["manager"], title="Draft")
        },
    }[subject]

    with pytest.raises(ValidationError) as refused:
        inspection_create(
            membership=inspector,
            form_version=qc_version(inspector),
            answers=PASSING,
            **subjects,
        )

    assert field in refused.value.extra["fields"]
    assert not FormSubmission.objects.for_tenant(world.home).exists()


def test_a_user_cannot_inspect(world):
    user = world.members[RoleKind.USER]

    with pytest.raises(PermissionDenied):
        inspection_create(
            membership=user,
            form_version=qc_version(world.members[RoleKind.MANAGER]),
            answers=PASSING,
            drill_bit=returned_bit(world, world.home),
        )


def test_a_failed_inspection_raises_an_ncr_with_its_context(world, make_inspection):
    manager = world.members[RoleKind.MANAGER]
    inspection = make_inspection(manager, failed=True, on="order")

    ncr = inspection_raise_ncr(membership=manager, inspection=inspection)

    inspection.refresh_from_db()
    assert inspection.ncr == ncr
    assert ncr.work_order_id == inspection.work_order_id
    assert ncr.severity == "major" and ncr.state == "open"
    assert inspection.number in ncr.description
    assert "Make-up torque: 31 kN·m is above the maximum 27 kN·m." in ncr.description
    assert (ncr.quantity_inspected, ncr.quantity_nonconforming) == (1, 1)
    with pytest.raises(Conflict):
        inspection_raise_ncr(membership=manager, inspection=inspection)


def test_a_passed_inspection_raises_no_ncr(world, make_inspection):
    manager = world.members[RoleKind.MANAGER]

    with pytest.raises(Conflict, match="Only a failed inspection"):
        inspection_raise_ncr(membership=manager, inspection=make_inspection(manager))


def _complete(client, order):
    return client.post(
        f"/api/v1/work-orders/{order.pk}/transition/", {"to": "completed"}, format="json"
    )


def test_a_work_order_whose_inspection_failed_stays_in_qc_until_a_disposition(
    world, make_inspection
):
    manager = world.members[RoleKind.MANAGER]
    inspection = make_inspection(manager, failed=True, on="order")
    order = inspection.work_order
    client = token_client(manager)

    failed = _complete(client, order)
    ncr = inspection_raise_ncr(membership=manager, inspection=inspection)
    no_disposition = _complete(client, order)
    ncr_transition(membership=manager, ncr=ncr, transition="investigate")
    ncr_update(membership=manager, ncr=ncr, why_1="Torque wrench out of calibration")
    ncr_transition(membership=manager, ncr=ncr, transition="disposition")
    disposition_record(membership=manager, ncr=ncr, kind="use_as_is", approver=manager)
    completed = _complete(client, order)

    assert failed.status_code == 409
    assert failed.json()["error"]["message"] == (
        f"{order.number} cannot be completed: its inspection {inspection.number} failed. "
        "Inspect it again, or raise an NCR from the inspection and record a disposition."
    )
    assert no_disposition.status_code == 409
    assert "has no disposition yet" in no_disposition.json()["error"]["message"]
    assert completed.status_code == 200, completed.json()


def test_a_passed_inspection_lets_the_order_complete(world, make_inspection):
    manager = world.members[RoleKind.MANAGER]
    order = make_inspection(manager, failed=True, on="order").work_order
    inspection_create(
        membership=manager, form_version=qc_version(manager), answers=PASSING, work_order=order
    )

    workorder_transition(membership=manager, workorder=order, transition="complete")

    assert order.state == "completed"


def test_the_blocked_completion_shows_its_reason_on_the_work_orders_page(world, make_inspection):
    manager = world.members[RoleKind.MANAGER]
    order = make_inspection(manager, failed=True, on="order").work_order

    api = token_client(manager).get(f"/api/v1/work-orders/{order.pk}/").json()

    complete = next(t for t in api["transitions"] if t["name"] == "complete")
    assert not complete["allowed"] and "cannot be completed" in complete["reason"]


def test_the_scan_page_offers_an_inspection_to_those_who_inspect(world, make_inspector):
    bit = returned_bit(world, world.home)
    inspector_page = session_client(make_inspector()).get(f"/s/{bit.scan_code}/")
    user_page = session_client(world.members[RoleKind.USER]).get(f"/s/{bit.scan_code}/")

    assert 'data-testid="scan-inspect"' in inspector_page.content.decode()
    assert f"/quality/inspections/new/?drill_bit={bit.pk}" in inspector_page.content.decode()
    assert 'data-testid="scan-inspect"' not in user_page.content.decode()
    assert not html_problems(inspector_page.content)


def test_the_work_orders_page_offers_the_inspection_at_its_qc_step(world, make_inspector):
    order = order_in_qc(world, world.home)

    page = session_client(make_inspector()).get(f"/work-orders/{order.pk}/")

    assert f"/quality/inspections/new/?work_order={order.pk}" in page.content.decode()
    assert not html_problems(page.content)


def test_an_inspection_is_started_from_a_scan_and_recorded_on_its_pages(world, make_inspector):
    inspector = make_inspector()
    version = qc_version(world.members[RoleKind.MANAGER])
    bit = returned_bit(world, world.home)
    client = session_client(inspector)

    start = client.get(f"/quality/inspections/new/?drill_bit={bit.pk}")
    fill = client.get(f"/quality/inspections/new/?drill_bit={bit.pk}&form_version={version.pk}")
    missing = client.post(
        "/quality/inspections/new/",
        {"form_version": version.pk, "drill_bit": bit.pk, "answer-thread": "pass"},
    )
    saved = client.post(
        "/quality/inspections/new/",
        {
            "form_version": version.pk,
            "drill_bit": bit.pk,
            "answer-thread": "fail",
            "answer-torque": "22",
            "answer-signature": PNG,
            "notes": "Thread galled",
        },
    )
    inspection = Inspection.objects.for_tenant(world.home).get()
    detail = client.get(f"/quality/inspections/{inspection.pk}/")

    assert start.status_code == fill.status_code == 200
    assert f'<option value="{bit.pk}" selected>' in start.content.decode()
    assert "data-fill-form" in fill.content.decode()
    assert missing.status_code == 400 and "This field is required." in missing.content.decode()
    assert saved.status_code == 302
    assert inspection.result == "fail" and inspection.notes == "Thread galled"
    html = detail.content.decode()
    assert 'data-testid="inspection-raise-ncr"' in html
    assert 'data-testid="inspection-image"' in html
    for page in (start, fill, missing, detail):
        assert not html_problems(page.content), page
    image = client.get(f"/forms/filled/{inspection.submission_id}/images/signature/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_the_raise_button_opens_the_new_ncr(world, make_inspection):
    manager = world.members[RoleKind.MANAGER]
    inspection = make_inspection(manager, failed=True)

    response = session_client(manager).post(f"/quality/inspections/{inspection.pk}/ncr/")

    inspection.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/quality/{inspection.ncr_id}/"


def test_another_organizations_images_are_not_found(world, make_inspection):
    theirs = make_inspection(world.away_members[RoleKind.MANAGER], failed=True)

    response = session_client(world.members[RoleKind.ADMIN]).get(
        f"/forms/filled/{theirs.submission_id}/images/signature/"
    )

    assert response.status_code == 404


def test_the_demo_records_passed_and_failed_inspections(world):
    from opsbase.modules.checklists.demo import demo_checklists_seed
    from opsbase.modules.drillbits.demo import demo_drillbits_seed
    from opsbase.modules.workorders.demo import demo_workorders_seed

    for seed in (demo_drillbits_seed, demo_workorders_seed, demo_checklists_seed):
        seed(tenant=world.home)
    demo_quality_seed(tenant=world.home)

    results = set(Inspection.objects.for_tenant(world.home).values_list("result", flat=True))
    assert results == {"pass", "fail"}
    assert Inspection.objects.for_tenant(world.home).filter(ncr__isnull=False).exists()


def test_inspection_lists_and_detail_cost_the_same_for_3_or_15(world, make_inspection):
    manager = world.members[RoleKind.MANAGER]
    page, api = session_client(manager), token_client(manager)
    inspection = make_inspection(manager, failed=True)
    for _ in range(2):
        make_inspection(manager)

    def cost():
        counted = []
        for client, url in (
            (page, "/quality/inspections/"),
            (api, "/api/v1/inspections/"),
            (page, f"/quality/inspections/{inspection.pk}/"),
            (api, f"/api/v1/inspections/{inspection.pk}/"),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counted.append(len(queries))
        return counted

    cost()
    few = cost()
    for _ in range(12):
        make_inspection(manager, failed=True)
    many = cost()

    assert many == few
    assert few[0] <= 20 and few[1] <= 12 and few[2] <= 25


def test_the_qc_inspector_template_is_documented_as_the_code_grants_it():
    import re
    from pathlib import Path

    from opsbase.kernel.policy import policy

    doc = (Path(__file__).parents[3] / "docs" / "rbac.md").read_text()
    table = doc.split("<!-- qc-inspector:start -->")[1].split("<!-- qc-inspector:end -->")[0]
    documented = dict(re.findall(r"^\| `([a-z_.]+)` \| (.+?) \|$", table, re.M))
    (template,) = [t for t in policy.templates() if t["slug"] == "qc-inspector"]

    assert set(documented) == set(template["permissions"])
    assert all(documented[c] == str(policy.rule(c).label) for c in documented)


def test_another_organizations_work_order_is_a_field_error(world, make_inspector):
    inspector = make_inspector()
    theirs = order_in_qc(world, world.away)

    with pytest.raises(ValidationError) as refused:
        inspection_create(
            membership=inspector,
            form_version=qc_version(inspector),
            answers=PASSING,
            work_order=theirs,
        )

    assert "work_order" in refused.value.extra["fields"]
