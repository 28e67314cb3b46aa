"""Invitations: hashed single-use tokens, expiry, revocation, and the invited address."""

import hashlib
import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from opsbase.core.exceptions import PermissionDenied, ValidationError
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.services import role_create
from opsbase.kernel.tenants.models import Invitation, Membership
from opsbase.kernel.tenants.services import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_deactivate,
)
from opsbase.testing.factories import UserFactory, role_of

SITE = "https://ops.example.test/"


def invite(world, email="new.person@example.test", kind="user", by="admin"):
    return invitation_create(
        membership=world.members[by],
        email=email,
        role=role_of(world.home, kind),
        site_url=SITE,
    )


def reason_of(excinfo) -> str:
    return excinfo.value.extra["reason"]


def test_creating_an_invitation_stores_only_the_hash_and_mails_the_link(world):
    invitation = invite(world, email="New.Person@Example.test")
    stored = Invitation.objects.for_tenant(world.home).get(pk=invitation.pk)
    assert stored.email == "new.person@example.test"
    assert stored.token_hash == hashlib.sha256(invitation.token.encode()).hexdigest()
    assert invitation.token not in stored.token_hash
    assert stored.invited_by == world.members["admin"].user
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.test"]
    assert "Acme" in message.subject
    assert f"{SITE}org/invite/{invitation.token}/" in message.body


def test_the_expiry_follows_the_setting(world):
    with override_settings(OPSBASE_INVITATION_TTL=timedelta(hours=2)):
        invitation = invite(world)
    assert timedelta(minutes=119) < invitation.expires_at - timezone.now() <= timedelta(hours=2)


def test_two_invitations_get_different_tokens(world):
    first = invite(world, email="a@example.test")
    second = invite(world, email="b@example.test")
    assert first.token != second.token and first.token_hash != second.token_hash


@pytest.mark.parametrize("kind", ["manager", "user"])
def test_managers_and_users_cannot_invite(world, kind):
    with pytest.raises(PermissionDenied, match="Only an Admin can invite"):
        invite(world, by=kind)
    assert mail.outbox == []


def test_an_existing_member_cannot_be_invited(world):
    with pytest.raises(ValidationError, match="already a member") as caught:
        invite(world, email="USER@acme.test")
    assert "email" in caught.value.extra["fields"]
    assert mail.outbox == []


def test_a_deactivated_member_is_pointed_to_reactivation(world):
    membership_deactivate(membership=world.members["admin"], target=world.spare)
    with pytest.raises(ValidationError, match="reactivate them instead"):
        invite(world, email=world.spare.user.email)


def test_a_member_of_another_tenant_can_be_invited(world):
    invitation = invite(world, email="user@globex.test")
    assert invitation.tenant_id == world.home.pk


def test_a_second_open_invitation_to_the_same_address_is_refused(world):
    invite(world)
    with pytest.raises(ValidationError, match="already has an open invitation"):
        invite(world, email="NEW.person@example.test")


def test_an_expired_invitation_is_replaced_by_a_new_one(world):
    old = invite(world)
    Invitation.objects.for_tenant(world.home).filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    new = invite(world)
    assert new.pk != old.pk
    assert Invitation.objects.for_tenant(world.home).get(pk=old.pk).revoked_at is not None


def test_another_tenants_role_cannot_be_offered(world):
    with pytest.raises(ValidationError, match="role of this organization"):
        invitation_create(
            membership=world.members["admin"],
            email="x@example.test",
            role=role_of(world.away, "admin"),
            site_url=SITE,
        )


def test_accepting_makes_a_member_with_the_invited_role(world):
    custom = role_create(membership=world.members["admin"], name="Inspector")
    invitation = invitation_create(
        membership=world.members["admin"], email="new@example.test", role=custom, site_url=SITE
    )
    user = UserFactory(email="new@example.test")
    member = invitation_accept(token=invitation.token, user=user)
    assert (member.tenant_id, member.user_id, member.role_id, member.is_active) == (
        world.home.pk,
        user.pk,
        custom.pk,
        True,
    )
    stored = Invitation.objects.for_tenant(world.home).get(pk=invitation.pk)
    assert stored.accepted_by == user and stored.accepted_at is not None
    assert stored.status == "accepted"


def test_the_invited_address_matches_whatever_its_case(world):
    invitation = invite(world, email="new@example.test")
    user = UserFactory(email="new@example.test")
    user.email = "NEW@Example.TEST"  # as typed elsewhere
    assert invitation_accept(token=invitation.token, user=user).pk


def test_a_link_works_only_once(world):
    invitation = invite(world)
    user = UserFactory(email="new.person@example.test")
    invitation_accept(token=invitation.token, user=user)
    with pytest.raises(ValidationError, match="already used") as caught:
        invitation_accept(token=invitation.token, user=user)
    assert reason_of(caught) == "accepted"
    assert Membership.objects.for_tenant(world.home).filter(user=user).count() == 1


def test_an_expired_link_is_refused(world):
    invitation = invite(world)
    Invitation.objects.for_tenant(world.home).filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    user = UserFactory(email="new.person@example.test")
    with pytest.raises(ValidationError, match="expired") as caught:
        invitation_accept(token=invitation.token, user=user)
    assert reason_of(caught) == "expired"
    assert not Membership.objects.for_tenant(world.home).filter(user=user).exists()


def test_a_revoked_link_is_refused(world):
    invitation = invite(world)
    invitation_revoke(membership=world.members["admin"], invitation=invitation)
    with pytest.raises(ValidationError, match="withdrawn") as caught:
        invitation_accept(token=invitation.token, user=UserFactory(email="new.person@example.test"))
    assert reason_of(caught) == "revoked"


def test_another_address_cannot_accept(world):
    invitation = invite(world)
    intruder = UserFactory(email="someone.else@example.test")
    with pytest.raises(ValidationError, match="another e-mail address") as caught:
        invitation_accept(token=invitation.token, user=intruder)
    assert reason_of(caught) == "wrong_email"
    assert Invitation.objects.for_tenant(world.home).get(pk=invitation.pk).accepted_at is None


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 43])
def test_an_unknown_token_is_refused(world, token):
    with pytest.raises(ValidationError, match="not valid") as caught:
        invitation_accept(token=token, user=world.spare.user)
    assert reason_of(caught) == "unknown"


def test_a_token_hash_is_not_a_token(world):
    invitation = invite(world)
    with pytest.raises(ValidationError):
        invitation_accept(token=invitation.token_hash, user=UserFactory(email=invitation.email))


def test_revoking_twice_or_after_acceptance_is_refused(world):
    admin = world.members["admin"]
    invitation = invite(world)
    invitation_revoke(membership=admin, invitation=invitation)
    with pytest.raises(ValidationError, match="already revoked"):
        invitation_revoke(membership=admin, invitation=invitation)
    accepted = invite(world, email="b@example.test")
    invitation_accept(token=accepted.token, user=UserFactory(email="b@example.test"))
    with pytest.raises(ValidationError, match="already accepted"):
        invitation_revoke(membership=admin, invitation=accepted)


def test_a_user_cannot_revoke(world):
    invitation = invite(world)
    with pytest.raises(PermissionDenied):
        invitation_revoke(membership=world.members["user"], invitation=invitation)


def test_another_tenants_admin_cannot_revoke(world):
    from opsbase.core.exceptions import NotFound

    invitation = invite(world)
    with pytest.raises(NotFound):
        invitation_revoke(membership=world.away_members["admin"], invitation=invitation)


def test_the_email_has_no_html_and_names_the_role(world):
    invite(world, kind=RoleKind.MANAGER)
    body = mail.outbox[0].body
    assert "as Manager" in body
    assert not re.search(r"<[a-z]", body)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_make_one_member():
    """Both requests hold the same link; the row lock lets exactly one of them through."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; the race needs a server database.")
    from opsbase.testing.matrix import build_world

    world = build_world()
    invitation = invite(world)
    user = UserFactory(email=invitation.email)
    outcomes = []
    barrier = threading.Barrier(2)

    def accept():
        try:
            barrier.wait()
            invitation_accept(token=invitation.token, user=user)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.extra.get("reason"))
        except Exception as exc:  # noqa: BLE001 - any other failure is reported by the assert
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["accepted", "ok"]
    assert Membership.objects.for_tenant(world.home).filter(user=user).count() == 1
