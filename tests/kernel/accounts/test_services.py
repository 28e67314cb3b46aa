import pytest
from django.contrib.auth import get_user_model

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.accounts.services import user_create, user_update_profile
from opsbase.testing.factories import UserFactory

User = get_user_model()
GOOD = "a long enough passphrase 7"


def test_user_create_stores_a_lowercase_address_and_a_usable_password(db):
    user = user_create(email=" Ada@Example.TEST ", password=GOOD, first_name=" Ada ")

    assert user.email == "ada@example.test"
    assert user.first_name == "Ada"
    assert user.check_password(GOOD)
    assert user.is_active


def test_user_create_rejects_a_weak_password(db):
    with pytest.raises(ValidationError) as excinfo:
        user_create(email="ada@example.test", password="password")

    assert "password" in excinfo.value.extra["fields"]
    assert not User.objects.filter(email="ada@example.test").exists()


def test_user_create_rejects_an_address_taken_in_another_case(db):
    UserFactory(email="ada@example.test")

    with pytest.raises(ValidationError) as excinfo:
        user_create(email="ADA@example.test", password=GOOD)

    assert "email" in excinfo.value.extra["fields"]


def test_user_create_rejects_an_invalid_address(db):
    with pytest.raises(ValidationError) as excinfo:
        user_create(email="not-an-address", password=GOOD)

    assert "email" in excinfo.value.extra["fields"]


def test_natural_key_lookup_ignores_case(db):
    user = UserFactory(email="ada@example.test")

    assert User.objects.get_by_natural_key("ADA@Example.Test") == user


def test_user_update_profile_audits_in_the_active_tenant(world, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "opsbase.kernel.accounts.services.audit_update", lambda **kw: calls.append(kw)
    )
    membership = world.members["user"]

    user_update_profile(
        user=membership.user, first_name="Ada", last_name="King", membership=membership
    )

    assert calls and calls[0]["membership"] == membership
    assert calls[0]["obj"] == membership.user


def test_user_update_profile_without_tenant_records_the_changes(db, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "opsbase.kernel.accounts.services.audit_event", lambda **kw: calls.append(kw)
    )
    user = UserFactory(first_name="Ada", last_name="Byron")

    user_update_profile(user=user, first_name="Ada", last_name="King")

    assert calls[0]["tenant"] is None
    assert calls[0]["changes"] == {"last_name": ("Byron", "King")}


def test_user_update_profile_leaves_the_object_untouched_when_invalid(db):
    user = UserFactory(first_name="Ada")

    with pytest.raises(ValidationError):
        user_update_profile(user=user, first_name="x" * 151, last_name="")

    assert user.first_name == "Ada"
    user.refresh_from_db()
    assert user.first_name == "Ada"
