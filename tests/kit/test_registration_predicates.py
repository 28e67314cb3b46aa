"""The kit's scopes of rights: ``owned`` (Admin and Manager reach all, anyone else their
own) and ``not_membership`` (separation of duties); the object test and the list filter
agree."""

from types import SimpleNamespace

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.registration import MANAGERS, MEMBERS, not_membership, owned
from opsbase.modules.leads.models import Lead
from opsbase.modules.leads.services import lead_create


def test_the_default_role_kinds_are_managers_or_managers_and_users():
    assert {RoleKind.MANAGER} == MANAGERS
    assert {RoleKind.MANAGER, RoleKind.USER} == MEMBERS


def test_owned_reaches_all_for_a_manager_and_only_their_own_for_a_user(manager, user):
    mine, theirs = (
        lead_create(membership=user, name="Mine"),
        lead_create(membership=manager, name="Theirs"),
    )
    scope = owned("owner")
    leads = Lead.objects.for_tenant(user.tenant_id)

    assert (scope.test(user, mine), scope.test(user, theirs)) == (True, False)
    assert set(leads.filter(scope.q(user))) == {mine}
    assert scope.test(manager, mine) and set(leads.filter(scope.q(manager))) == {mine, theirs}


def test_not_membership_refuses_the_member_named_by_the_field(manager, user):
    mine, theirs = (
        lead_create(membership=user, name="Mine"),
        lead_create(membership=manager, name="Theirs"),
    )
    scope = not_membership("owner")
    leads = Lead.objects.for_tenant(user.tenant_id)

    assert (scope.test(user, mine), scope.test(user, theirs)) == (False, True)
    assert set(leads.filter(scope.q(user))) == {theirs}
    assert scope.test(user, SimpleNamespace(owner_id=None))


def test_a_scope_names_the_fields_that_make_a_row_a_members_and_their_values(manager, user):
    """What member-scoped caches key a list by (``Predicate.row_fields``/``member_values``):
    the fields the scope reads, each with the member's value; a predicate that reads the row
    otherwise answers None, and so does any scope built with it."""
    from opsbase.kernel.policy import is_membership, kinds, owns
    from opsbase.kit.registration import role_grants

    involved = kinds(RoleKind.ADMIN) | role_grants("leads.view") | owns("owner")
    involved |= is_membership("assignee")

    assert involved.row_fields() == {"owner", "assignee"}
    assert involved.member_values(user) == {"owner": user.user_id, "assignee": user.pk}
    assert owned("owner").row_fields() == {"owner"}
    assert not_membership("owner").row_fields() is None
    assert (involved | not_membership("owner")).member_values(user) is None
    assert (kinds(RoleKind.ADMIN) & owns("owner")).row_fields() == {"owner"}
