import itertools

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.services import role_create_from_template
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.drillbits.services import drillbit_transition, drillbit_update
from opsbase.modules.inventory.services import item_create, location_create, movement_post
from opsbase.modules.quality.services import ncr_create, ncr_transition, ncr_update
from opsbase.testing.factories import MembershipFactory, UserFactory

from ..drillbits.conftest import site_of

_numbers = itertools.count(1)


def manager_of(world, membership):
    if membership.tenant_id == world.home.pk:
        return world.members[RoleKind.MANAGER]
    return world.away_members[RoleKind.MANAGER]


def returned_bit(world, tenant):
    """A drill bit of *tenant* back from the field (Returned), ready for repair or scrap."""
    manager = (
        world.members[RoleKind.MANAGER]
        if tenant == world.home
        else world.away_members[RoleKind.MANAGER]
    )
    bit = DrillBit.objects.create(
        tenant=tenant, serial_number=f"QC-{next(_numbers):05d}", bit_type="pdc", size="8-1/2"
    )
    rig, _well = site_of(tenant)
    drillbit_transition(membership=manager, drillbit=bit, transition="receive")
    drillbit_update(membership=manager, drillbit=bit, rig=rig)
    for move in ("assign", "deploy", "return"):
        drillbit_transition(membership=manager, drillbit=bit, transition=move)
    return bit


@pytest.fixture
def inspector_role(world):
    return role_create_from_template(membership=world.members[RoleKind.ADMIN], slug="qc-inspector")


@pytest.fixture
def make_inspector(world, inspector_role):
    def make(email=None):
        email = email or f"qc{next(_numbers)}@acme.test"
        return MembershipFactory(
            tenant=world.home, role=inspector_role, user=UserFactory(email=email)
        )

    return make


@pytest.fixture
def make_ncr(world):
    """``make_ncr(raiser, **fields)``: an Open NCR of *raiser*'s organization raised by it (a
    drill bit of that organization as its subject unless given)."""

    def make(raiser, **fields):
        fields.setdefault("title", f"Finding {next(_numbers)}")
        if not {"drill_bit", "work_order", "item", "subject_text"} & set(fields):
            fields["subject_text"] = "Cutter batch"
        return ncr_create(membership=raiser, **fields)

    return make


def to_disposition(world, ncr):
    """Take *ncr* to Disposition as its organization's Manager (root cause given)."""
    manager = manager_of(world, ncr.raised_by)
    ncr_transition(membership=manager, ncr=ncr, transition="investigate")
    ncr_update(membership=manager, ncr=ncr, why_1="Fixture moved", why_2="Clamps loose")
    ncr_transition(membership=manager, ncr=ncr, transition="disposition")
    return ncr


@pytest.fixture
def stock(world):
    """An item with 10 units at a store of Acme: ``(item, location)``."""
    manager = world.members[RoleKind.MANAGER]
    n = next(_numbers)
    item = item_create(membership=manager, sku=f"CUT-{n}", name="PDC cutter")
    place = location_create(membership=manager, code=f"QC-{n}", name="QC cage")
    movement_post(membership=manager, kind="receipt", item=item, quantity=10, to_location=place)
    return item, place


# -- inspections ------------------------------------------------------------------------------

# A 1x1 PNG, as a signature pad's data URL.
PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
QC_FIELDS = [
    {"key": "thread", "type": "pass_fail", "label": "Pin thread gauged", "required": True},
    {
        "key": "torque",
        "type": "number",
        "label": "Make-up torque",
        "required": True,
        "unit": "kN·m",
        "min": "20",
        "max": "27",
    },
    {"key": "photo", "type": "photo", "label": "Photo"},
    {"key": "signature", "type": "signature", "label": "Signature", "required": True},
]
PASSING = {"thread": "pass", "torque": "24", "signature": PNG}
FAILING = {"thread": "pass", "torque": "31", "signature": PNG, "photo": PNG}


def qc_version(manager):
    """A published QC form of *manager*'s organization (made once per organization)."""
    from opsbase.modules.checklists.models import FormVersion
    from opsbase.modules.checklists.services import formtemplate_create, formtemplate_publish

    found = FormVersion.objects.for_tenant(manager.tenant_id).filter(name="Final QC").first()
    if found is not None:
        return found
    template = formtemplate_create(membership=manager, name="Final QC", fields=QC_FIELDS)
    return formtemplate_publish(membership=manager, formtemplate=template)


def order_in_qc(world, tenant):
    """A work order of *tenant* in QC (one operation, done)."""
    from opsbase.modules.workorders.services import (
        operation_add,
        operation_update,
        workorder_create,
        workorder_transition,
        workorder_update,
    )

    manager = (
        world.members[RoleKind.MANAGER]
        if tenant == world.home
        else world.away_members[RoleKind.MANAGER]
    )
    order = workorder_create(membership=manager, title=f"Rebuild {next(_numbers)}", type="rebuild")
    workorder_update(membership=manager, workorder=order, assignee=manager)
    operation = operation_add(membership=manager, work_order=order, title="Rebuild")
    for move in ("plan", "release", "start"):
        workorder_transition(membership=manager, workorder=order, transition=move)
    operation_update(membership=manager, work_order=order, operation=operation, done=True)
    workorder_transition(membership=manager, workorder=order, transition="send_to_qc")
    return order


@pytest.fixture
def make_inspection(world):
    """``make_inspection(owner, failed=False, on="bit")``: an inspection in *owner*'s
    organization, recorded by its Manager (inspections are the organization's records)."""
    from opsbase.modules.quality.services import inspection_create

    def make(owner, failed=False, on="bit"):
        manager = manager_of(world, owner)
        subject = (
            {"work_order": order_in_qc(world, owner.tenant)}
            if on == "order"
            else {"drill_bit": returned_bit(world, owner.tenant)}
        )
        return inspection_create(
            membership=manager,
            form_version=qc_version(manager),
            answers=FAILING if failed else PASSING,
            **subject,
        )

    return make
