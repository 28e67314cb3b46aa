"""Recording: what an event holds for creates, updates, deletes and other events."""

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from opsbase.core.context import bind, client_var, request_id_var
from opsbase.kernel.audit.masking import MASK, mask_fields, unmask_fields
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.audit.services import (
    audit_bulk_create,
    audit_bulk_delete,
    audit_bulk_update,
    audit_create,
    audit_delete,
    audit_event,
    audit_update,
    snapshot,
)
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Invitation
from opsbase.testing.factories import role_of

from .conftest import chain_of


def make_invitation(tenant, email="new@acme.test", **extra):
    return Invitation.objects.create(
        tenant=tenant,
        email=email,
        role=role_of(tenant, RoleKind.USER),
        token_hash=extra.pop("token_hash", uuid.uuid4().hex * 2),
        expires_at=extra.pop("expires_at", timezone.now() + timedelta(days=7)),
        **extra,
    )


def test_a_create_records_every_field_with_relations_as_ids_and_dates_as_iso(world):
    admin = world.members["admin"]
    invitation = make_invitation(world.home, invited_by=admin.user)

    event = audit_create(membership=admin, obj=invitation)

    stored = AuditEvent.objects.for_tenant(world.home).get(pk=event.pk)
    assert stored.action == "create"
    assert stored.actor_id == admin.user_id
    assert stored.actor_label == admin.user.email
    assert stored.target_type == "tenants.invitation"
    assert stored.target_id == str(invitation.pk)
    assert stored.target_label == str(invitation)
    assert stored.changes["email"] == {"old": None, "new": "new@acme.test"}
    assert stored.changes["role"]["new"] == invitation.role_id
    assert stored.changes["invited_by"]["new"] == admin.user_id
    assert stored.changes["expires_at"]["new"] == invitation.expires_at.isoformat()
    assert "id" not in stored.changes


def test_secret_fields_are_masked_on_create(world):
    invitation = make_invitation(world.home, token_hash="f" * 64)

    event = audit_create(membership=world.members["admin"], obj=invitation)

    assert event.changes["token_hash"] == {"old": None, "new": MASK}
    assert "f" * 64 not in str(AuditEvent.objects.for_tenant(world.home).get(pk=event.pk).changes)


def test_a_changed_password_is_recorded_as_changed_but_never_in_clear(world):
    user = world.members["user"].user
    before = snapshot(user)
    user.set_password("a new secret phrase")
    user.first_name = "Renamed"
    user.save()

    event = audit_update(membership=world.members["admin"], obj=user, before=before)

    assert event.changes["password"] == {"old": MASK, "new": MASK}
    assert event.changes["first_name"]["new"] == "Renamed"
    assert "a new secret phrase" not in str(event.changes)
    assert user.password not in str(event.changes)


def test_an_update_records_only_the_fields_that_changed(world):
    invitation = make_invitation(world.home)
    before = snapshot(invitation)
    invitation.email = "changed@acme.test"
    invitation.save()

    event = audit_update(membership=world.members["admin"], obj=invitation, before=before)

    assert event.changes == {"email": {"old": "new@acme.test", "new": "changed@acme.test"}}


def test_an_update_that_changed_nothing_records_nothing(world):
    invitation = make_invitation(world.home)
    before = snapshot(invitation)

    assert audit_update(membership=world.members["admin"], obj=invitation, before=before) is None
    assert AuditEvent.objects.for_tenant(world.home).filter(action="update").count() == 0


def test_a_state_change_action_is_recorded_even_without_field_changes(world):
    invitation = make_invitation(world.home)

    event = audit_update(
        membership=world.members["admin"],
        obj=invitation,
        before=snapshot(invitation),
        action="invitation.resend",
    )

    assert event is not None and event.action == "invitation.resend" and event.changes == {}


def test_a_delete_records_every_old_value(world):
    invitation = make_invitation(world.home)
    pk = invitation.pk

    event = audit_delete(membership=world.members["admin"], obj=invitation)
    invitation.delete()

    assert event.action == "delete"
    assert event.target_id == str(pk)
    assert event.changes["email"] == {"old": "new@acme.test", "new": None}


def test_request_id_ip_and_user_agent_come_from_the_request_context(world):
    client = {"ip": "203.0.113.9", "user_agent": "Mozilla/5.0 (audit test)"}
    with bind(request_id_var, "req-12345678"), bind(client_var, client):
        event = audit_event(tenant=world.home, actor=None, action="test.context")

    stored = AuditEvent.objects.for_tenant(world.home).get(pk=event.pk)
    assert (stored.request_id, stored.ip, stored.user_agent) == (
        "req-12345678",
        "203.0.113.9",
        "Mozilla/5.0 (audit test)",
    )


def test_an_ipv6_address_round_trips_and_keeps_the_chain_valid(world):
    from opsbase.kernel.audit.services import audit_chain_verify

    with bind(client_var, {"ip": "2001:DB8:0:0:0:0:0:1", "user_agent": ""}):
        event = audit_event(tenant=world.home, actor=None, action="test.ipv6")

    assert AuditEvent.objects.for_tenant(world.home).get(pk=event.pk).ip == "2001:db8::1"
    assert audit_chain_verify(tenant=world.home).ok


def test_a_rolled_back_change_leaves_no_event(world):
    invitation = make_invitation(world.home)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_create(membership=world.members["admin"], obj=invitation)
        raise RuntimeError("the service failed after auditing")

    assert (
        AuditEvent.objects.for_tenant(world.home).filter(target_type="tenants.invitation").count()
        == 0
    )


def test_audit_event_masks_secret_names_in_its_changes(world):
    event = audit_event(
        tenant=world.home,
        actor=world.members["admin"].user,
        action="api.token_rotate",
        changes={"api_token": ("old-secret", "new-secret"), "name": ("ci", "deploy")},
    )

    assert event.changes == {
        "api_token": {"old": MASK, "new": MASK},
        "name": {"old": "ci", "new": "deploy"},
    }


def test_apps_can_register_more_masked_fields(world):
    mask_fields("email", model="tenants.Invitation")
    try:
        event = audit_create(membership=world.members["admin"], obj=make_invitation(world.home))
    finally:
        unmask_fields("email", model="tenants.Invitation")

    assert event.changes["email"]["new"] == MASK
    assert (
        audit_create(
            membership=world.members["admin"], obj=make_invitation(world.home, "b@acme.test")
        ).changes["email"]["new"]
        == "b@acme.test"
    )


def test_events_without_a_tenant_form_their_own_chain(world):
    # The system chain already holds the announcements of Acme's and Globex's chains.
    before = chain_of(None)
    assert [e.action for e in before] == ["audit.chain_create", "audit.chain_create"]

    first = audit_event(tenant=None, actor=None, action="login_failed", target_label="x@y.test")
    second = audit_event(tenant=None, actor=None, action="login_failed", target_label="z@y.test")

    assert (first.tenant_id, first.seq, second.seq) == (None, 3, 4)
    assert (first.prev_hash, second.prev_hash) == (before[-1].hash, first.hash)
    assert [e.pk for e in chain_of(None)[2:]] == [first.pk, second.pk]


def test_each_tenant_has_its_own_numbering(world):
    home_before = len(chain_of(world.home))
    away_before = len(chain_of(world.away))

    home = audit_event(tenant=world.home, actor=None, action="test.a")
    away = audit_event(tenant=world.away, actor=None, action="test.b")

    assert home.seq == home_before + 1
    assert away.seq == away_before + 1


def test_bulk_helpers_record_one_event_per_row(world):
    admin = world.members["admin"]
    invitations = [make_invitation(world.home, f"bulk{i}@acme.test") for i in range(3)]

    created = audit_bulk_create(membership=admin, objs=invitations)
    befores = [snapshot(i) for i in invitations]
    for i in invitations:
        i.email = i.email.replace("bulk", "moved")
    Invitation.objects.for_tenant(world.home).bulk_update(invitations, ["email"])
    updated = audit_bulk_update(membership=admin, objs=invitations, befores=befores)
    deleted = audit_bulk_delete(membership=admin, objs=invitations)

    assert [e.target_id for e in created] == [str(i.pk) for i in invitations]
    assert [e.changes["email"]["new"] for e in updated] == [f"moved{i}@acme.test" for i in range(3)]
    assert [e.action for e in deleted] == ["delete"] * 3
    seqs = [e.seq for e in chain_of(world.home)]
    assert seqs == list(range(1, len(seqs) + 1))


def test_bulk_update_accepts_snapshots_keyed_by_pk_and_skips_unchanged_rows(world):
    admin = world.members["admin"]
    a, b = make_invitation(world.home, "a@acme.test"), make_invitation(world.home, "b@acme.test")
    befores = {a.pk: snapshot(a), b.pk: snapshot(b)}
    a.email = "a2@acme.test"

    events = audit_bulk_update(membership=admin, objs=[a, b], befores=befores)

    assert [e.target_id for e in events] == [str(a.pk)]
