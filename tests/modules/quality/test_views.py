"""The NCR pages, the dashboard card and the demo, as people see them; the query budgets of
the list page, the API list and the detail page."""

from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.quality.constants import (
    ALL_CODENAMES,
    APPROVE_CONCESSION,
    DELETE,
    INSPECTION_CODENAMES,
    NCR_CODENAMES,
    VIEW,
    VIEW_INSPECTION,
)
from opsbase.modules.quality.models import Ncr
from opsbase.modules.quality.services import disposition_record
from opsbase.modules.quality.views import ncr_dashboard_counts
from opsbase.testing.api import token_client
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client

from .conftest import returned_bit, to_disposition


def test_the_list_filters_by_state_and_severity(world, make_ncr):
    manager = world.members[RoleKind.MANAGER]
    critical = make_ncr(manager, severity="critical", title="Cracked body")
    make_ncr(manager, severity="minor", title="Paint scratched")

    response = session_client(manager).get("/quality/?severity=critical&state=open")

    html = response.content.decode()
    assert response.status_code == 200
    assert critical.number in html and "Paint scratched" not in html
    assert not html_problems(response.content)


def test_the_detail_shows_the_five_whys_and_the_dispositions(world, make_ncr):
    manager = world.members[RoleKind.MANAGER]
    ncr = to_disposition(world, make_ncr(world.members[RoleKind.USER]))
    disposition_record(membership=manager, ncr=ncr, kind="use_as_is", approver=manager)

    response = session_client(manager).get(f"/quality/{ncr.pk}/")

    html = response.content.decode()
    assert html.count('data-testid="ncr-why"') == 2
    assert "Fixture moved" in html
    assert 'data-testid="ncr-disposition"' in html and "Use as is" in html
    assert 'data-testid="ncr-disposition-form"' in html
    assert not html_problems(response.content)


def test_the_detail_links_the_corrective_action_task(world, make_ncr):
    manager = world.members[RoleKind.MANAGER]
    ncr = make_ncr(manager, corrective_action="Recalibrate the fixture")

    html = session_client(manager).get(f"/quality/{ncr.pk}/").content.decode()

    assert f"/tasks/{ncr.corrective_task_id}/" in html


def test_a_disposition_posted_from_the_page_is_applied(world, make_ncr):
    manager = world.members[RoleKind.MANAGER]
    bit = returned_bit(world, world.home)
    ncr = to_disposition(world, make_ncr(world.members[RoleKind.USER], drill_bit=bit))

    response = session_client(manager).post(f"/quality/{ncr.pk}/dispositions/", {"kind": "repair"})

    bit.refresh_from_db()
    assert response.status_code == 302
    assert bit.status == "repair"


def test_a_refused_disposition_shows_the_reason_on_the_page(world, make_ncr):
    manager = world.members[RoleKind.MANAGER]
    ncr = to_disposition(world, make_ncr(world.members[RoleKind.USER]))
    client = session_client(manager)

    client.post(f"/quality/{ncr.pk}/dispositions/", {"kind": "use_as_is"})
    page = client.get(f"/quality/{ncr.pk}/").content.decode()

    assert "Use as is needs a concession approver." in page
    assert not ncr.dispositions.exists()


def test_the_form_raises_an_ncr(world):
    user = world.members[RoleKind.USER]

    response = session_client(user).post(
        "/quality/new/",
        {"title": "Seal leaking", "severity": "major", "subject_text": "Mud motor 12"},
    )

    ncr = Ncr.objects.for_tenant(world.home).get()
    assert response.status_code == 302
    assert ncr.raised_by == user and ncr.severity == "major"


def test_the_dashboard_counts_open_ncrs_by_severity_and_age(world, make_ncr):
    manager = world.members[RoleKind.MANAGER]
    make_ncr(manager, severity="critical")
    make_ncr(manager, severity="major")
    cancelled = make_ncr(manager, severity="major")
    from opsbase.modules.quality.services import ncr_transition

    ncr_transition(membership=manager, ncr=cancelled, transition="cancel")

    counts = {str(label): n for label, n, _url in ncr_dashboard_counts(manager)}
    response = session_client(manager).get(reverse("web:home"))

    assert counts["Critical"] == 1 and counts["Major"] == 1 and counts["Minor"] == 0
    assert counts["Open under a week"] == 2
    assert 'data-testid="dashboard-card-quality"' in response.content.decode()
    assert not html_problems(response.content)


def test_the_demo_gives_ncrs_in_every_state_but_closed(world):
    from opsbase.modules.customers.demo import demo_customers_seed
    from opsbase.modules.drillbits.demo import demo_drillbits_seed
    from opsbase.modules.inventory.demo import demo_inventory_seed
    from opsbase.modules.quality.demo import demo_quality_seed
    from opsbase.modules.workorders.demo import demo_workorders_seed

    for seed in (
        demo_customers_seed,
        demo_inventory_seed,
        demo_drillbits_seed,
        demo_workorders_seed,
        demo_quality_seed,
        demo_quality_seed,  # again: nothing more
    ):
        seed(tenant=world.home)

    ncrs = Ncr.objects.for_tenant(world.home)
    states = Counter(ncrs.values_list("state", flat=True))
    assert ncrs.count() == 6
    assert set(states) == {"open", "investigating", "disposition", "cancelled"}
    assert ncrs.filter(dispositions__kind="use_as_is").exists()


def test_role_templates_grant_quality_permissions(world):
    templates = {t["slug"]: set(t["permissions"]) for t in policy.templates()}

    assert {"quality.add_ncr", "quality.disposition_ncr", "quality.sign_off"} <= templates[
        "qc-inspector"
    ]
    assert APPROVE_CONCESSION not in templates["qc-inspector"]
    assert templates["production-manager"] & set(NCR_CODENAMES) == {VIEW}
    assert templates["production-manager"] & set(INSPECTION_CODENAMES) == {VIEW_INSPECTION}
    assert set(ALL_CODENAMES) <= templates["administrator"]
    assert DELETE in templates["administrator"]


def test_lists_and_detail_cost_the_same_for_3_or_15_ncrs(world, make_ncr):
    manager = world.members[RoleKind.MANAGER]
    page, api = session_client(manager), token_client(manager)
    for _ in range(3):
        make_ncr(world.members[RoleKind.USER], drill_bit=returned_bit(world, world.home))
    ncr = to_disposition(world, make_ncr(world.members[RoleKind.USER]))
    disposition_record(membership=manager, ncr=ncr, kind="use_as_is", approver=manager)

    def cost():
        counted = []
        for client, url in (
            (page, "/quality/"),
            (api, "/api/v1/ncrs/"),
            (page, f"/quality/{ncr.pk}/"),
            (api, f"/api/v1/ncrs/{ncr.pk}/"),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counted.append(len(queries))
        return counted

    cost()
    few = cost()
    for _ in range(12):
        make_ncr(world.spare, drill_bit=returned_bit(world, world.home))
    disposition_record(membership=manager, ncr=ncr, kind="use_as_is", approver=manager)
    many = cost()

    assert many == few
    assert few[0] <= 20 and few[1] <= 12
