"""The procedure pages and the demo as people see them; role templates; the query budgets of
the list page, the API list and the detail."""

from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.procedures.constants import ACKNOWLEDGE, ALL_CODENAMES, APPROVE, VIEW
from opsbase.modules.procedures.models import Procedure, ProcedureRequirement
from opsbase.modules.procedures.services import procedure_acknowledge
from opsbase.testing.api import token_client
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client

from .conftest import approved


def test_the_form_writes_a_draft_and_the_list_shows_it(world):
    manager = world.members[RoleKind.MANAGER]
    client = session_client(manager)

    response = client.post(
        "/procedures/new/", {"code": "sop-31", "title": "Gauge check", "body": "1. Gauge."}
    )
    listing = client.get("/procedures/?state=draft")

    assert response.status_code == 302
    created = Procedure.objects.for_tenant(world.home).get(code="SOP-31")
    assert (created.version, created.state, created.author_id) == (1, "draft", manager.pk)
    assert "Gauge check" in listing.content.decode()
    assert not html_problems(listing.content)


def test_the_detail_offers_the_acknowledgement_once(world, make_procedure):
    user = world.members[RoleKind.USER]
    procedure = approved(world, make_procedure(world.members[RoleKind.MANAGER]))
    client = session_client(user)

    before = client.get(f"/procedures/{procedure.pk}/").content.decode()
    client.post(f"/procedures/{procedure.pk}/acknowledge/")
    after = client.get(f"/procedures/{procedure.pk}/").content.decode()

    assert 'data-testid="procedure-acknowledge"' in before
    assert 'data-testid="procedure-acknowledged"' in after
    assert 'data-testid="procedure-acknowledge"' not in after


def test_role_templates_grant_procedure_permissions(world):
    templates = {t["slug"]: set(t["permissions"]) for t in policy.templates()}

    assert templates["technician"] & set(ALL_CODENAMES) == {VIEW, ACKNOWLEDGE}
    assert set(ALL_CODENAMES) <= templates["production-manager"]
    assert APPROVE in templates["production-manager"]
    assert set(ALL_CODENAMES) <= templates["administrator"]


def test_the_demo_gives_approved_superseded_draft_and_in_review_versions(world):
    from opsbase.modules.customers.demo import demo_customers_seed
    from opsbase.modules.drillbits.demo import demo_drillbits_seed
    from opsbase.modules.inventory.demo import demo_inventory_seed
    from opsbase.modules.procedures.demo import demo_procedures_seed
    from opsbase.modules.workorders.demo import demo_workorders_seed

    for seed in (
        demo_customers_seed,
        demo_inventory_seed,
        demo_drillbits_seed,
        demo_workorders_seed,
        demo_procedures_seed,
        demo_procedures_seed,  # again: nothing more
    ):
        seed(tenant=world.home)

    versions = Procedure.objects.for_tenant(world.home)
    assert Counter(versions.values_list("state", flat=True)) == {
        "superseded": 1,
        "approved": 1,
        "draft": 1,
        "in_review": 1,
    }
    assert ProcedureRequirement.objects.for_tenant(world.home).count() == 1


def test_lists_and_detail_cost_the_same_for_3_or_12_versions(world, make_procedure):
    manager = world.members[RoleKind.MANAGER]
    page, api = session_client(manager), token_client(manager)
    for _ in range(3):
        make_procedure(world.members[RoleKind.USER])
    shown = approved(world, make_procedure(world.spare))
    procedure_acknowledge(membership=world.members[RoleKind.USER], procedure=shown)

    def cost():
        counted = []
        for client, url in (
            (page, "/procedures/"),
            (api, "/api/v1/procedures/"),
            (page, f"/procedures/{shown.pk}/"),
            (api, f"/api/v1/procedures/{shown.pk}/"),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counted.append(len(queries))
        return counted

    cost()
    few = cost()
    for _ in range(9):
        make_procedure(world.spare)
    procedure_acknowledge(membership=manager, procedure=shown)
    procedure_acknowledge(membership=world.spare, procedure=shown)
    many = cost()

    assert many == few
    assert few[0] <= 20 and few[1] <= 12
