import itertools

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.services import role_create_from_template
from opsbase.modules.procedures.models import Procedure
from opsbase.modules.procedures.services import _next_version, procedure_transition
from opsbase.modules.workorders.services import workorder_create, workorder_transition
from opsbase.testing.factories import MembershipFactory, UserFactory

_numbers = itertools.count(1)


def manager_of(world, membership):
    if membership.tenant_id == world.home.pk:
        return world.members[RoleKind.MANAGER]
    return world.away_members[RoleKind.MANAGER]


def admin_of(world, membership):
    if membership.tenant_id == world.home.pk:
        return world.members[RoleKind.ADMIN]
    return world.away_members[RoleKind.ADMIN]


@pytest.fixture
def make_procedure():
    """``make_procedure(author, **fields)``: a Draft version 1 written by *author* (any
    role: the matrix needs versions written by Users too)."""

    def make(author, **fields):
        fields.setdefault("code", f"SOP-{next(_numbers):03d}")
        fields.setdefault("title", "Brazing PDC cutters")
        fields.setdefault("body", "## Steps\n\n1. Clean the pocket.")
        version = _next_version(author.tenant_id, fields["code"])
        return Procedure.objects.create(
            tenant_id=author.tenant_id, version=version, author=author, **fields
        )

    return make


def submitted(world, procedure):
    """*procedure* In review (submitted by a Manager of its organization)."""
    procedure_transition(
        membership=manager_of(world, procedure.author), procedure=procedure, transition="submit"
    )
    return procedure


def approved(world, procedure):
    """*procedure* Approved (by a member other than its author)."""
    submitted(world, procedure)
    approver = manager_of(world, procedure.author)
    if approver.pk == procedure.author_id:
        approver = admin_of(world, procedure.author)
    procedure_transition(membership=approver, procedure=procedure, transition="approve")
    return procedure


@pytest.fixture
def technician(world):
    role = role_create_from_template(membership=world.members[RoleKind.ADMIN], slug="technician")
    return MembershipFactory(
        tenant=world.home, role=role, user=UserFactory(email=f"tech{next(_numbers)}@acme.test")
    )


def released_order(world, assignee):
    """A released work order of the home organization assigned to *assignee*."""
    manager = world.members[RoleKind.MANAGER]
    order = workorder_create(
        membership=manager,
        title=f"Rebuild bit {next(_numbers)}",
        type="rebuild",
        assignee=assignee,
        operations=[{"title": "Braze cutters", "planned_hours": "2"}],
    )
    workorder_transition(membership=manager, workorder=order, transition="plan")
    workorder_transition(membership=manager, workorder=order, transition="release")
    return order
