"""A member's security events (password change, lockout, tokens) are in each of their
organizations' audit logs, where its Admins look, as well as on the system chain."""

from django.urls import reverse
from rest_framework.test import APIClient

from opsbase.kernel.audit.models import SYSTEM_CHAIN, AuditEvent
from opsbase.testing.factories import PASSWORD, MembershipFactory
from opsbase.testing.matrix import session_client

NEW_PASSWORD = "a-much-better-passphrase-42"


def actions_in(tenant) -> list[str]:
    return list(AuditEvent.objects.for_tenant(tenant).values_list("action", flat=True))


def test_a_password_change_is_in_every_organization_of_the_member_and_the_system_chain(world):
    member = world.members["user"]
    MembershipFactory(tenant=world.away, user=member.user, kind="user")
    client = session_client(member)

    client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert "user.password_change" in actions_in(world.home)
    assert "user.password_change" in actions_in(world.away)
    system = AuditEvent.objects.for_chain(SYSTEM_CHAIN).values_list("action", flat=True)
    assert "user.password_change" in system


def test_the_tenant_admin_sees_it_in_the_audit_log(world):
    member = world.members["user"]
    session_client(member).post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    page = session_client(world.members["admin"]).get(
        reverse("audit:event_list"), {"action": "user.password_change"}
    )

    assert [e.target_id for e in page.context["events"]] == [str(member.user_id)]


def test_a_lockout_is_in_the_members_organization(world, settings):
    email = world.members["user"].user.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        APIClient().post(
            "/api/v1/auth/token/",
            {"email": email.upper(), "password": "wrong", "tenant": "acme"},
            format="json",
        )

    assert "user.locked_out" in actions_in(world.home)
    assert "user.locked_out" not in actions_in(world.away)


def test_token_creation_and_revocation_are_in_the_organization(world):
    from opsbase.testing.api import token_client

    admin = token_client(world.members["admin"])
    created = admin.post("/api/v1/tokens/", {"name": "ci"}, format="json").json()
    admin.post(f"/api/v1/tokens/{created['id']}/revoke/")

    assert {"api_token.create", "api_token.revoke"} <= set(actions_in(world.home))
