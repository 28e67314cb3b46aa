"""The checkpoints' key: never in the database, required when deployed, rotatable."""

import pytest
from django.core.management import call_command

from opsbase.kernel.audit.checkpoints import AuditKeyMissing, audit_keys
from opsbase.kernel.audit.checks import check_audit_key
from opsbase.kernel.audit.models import chain_key
from opsbase.kernel.audit.services import audit_checkpoint, audit_event

from .conftest import truncate
from .test_verify import verify


@pytest.fixture
def events(world):
    for i in range(3):
        audit_event(tenant=world.home, actor=None, action="test.step", target_label=str(i))
    return world


def test_a_deployed_environment_has_no_fallback_key(settings):
    settings.OPSBASE_ENVIRONMENT = "prod"
    settings.OPSBASE_AUDIT_KEY = ""

    with pytest.raises(AuditKeyMissing, match="OPSBASE_AUDIT_KEY is not set"):
        audit_keys()


def test_without_a_key_in_prod_verify_fails_and_says_how_to_fix_it(events, settings):
    settings.OPSBASE_ENVIRONMENT = "prod"
    settings.OPSBASE_AUDIT_KEY = ""

    output, error = verify()

    assert error is not None
    assert "PROBLEM OPSBASE_AUDIT_KEY is not set" in output
    assert "Add OPSBASE_AUDIT_KEY=<random> to .env.prod" in output
    with pytest.raises(AuditKeyMissing):
        audit_checkpoint()


def test_dev_and_test_derive_a_key_from_the_secret_key(events, settings):
    settings.OPSBASE_AUDIT_KEY = ""
    audit_checkpoint()
    assert verify()[1] is None

    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    output, error = verify()

    assert error is not None
    assert "FORGED checkpoint at line 1 of" in output


def test_a_rotated_key_still_verifies_old_checkpoints_through_the_fallbacks(events, settings):
    settings.OPSBASE_AUDIT_KEY = "old-key-" + "a" * 40
    audit_checkpoint()

    settings.OPSBASE_AUDIT_KEY = "new-key-" + "b" * 40
    settings.OPSBASE_AUDIT_KEY_FALLBACKS = ["old-key-" + "a" * 40]
    output, error = verify()
    assert error is None, output

    settings.OPSBASE_AUDIT_KEY_FALLBACKS = []
    output, error = verify()
    assert error is not None and "FORGED checkpoint" in output


def test_old_checkpoints_under_a_fallback_key_still_catch_truncation(
    events, settings, raw_sql, heads_sql
):
    settings.OPSBASE_AUDIT_KEY = "old-key-" + "a" * 40
    audit_checkpoint()
    settings.OPSBASE_AUDIT_KEY = "new-key-" + "b" * 40
    settings.OPSBASE_AUDIT_KEY_FALLBACKS = ["old-key-" + "a" * 40]

    last = truncate(chain_key(events.home), 2, raw_sql, heads_sql)

    output, error = verify()

    assert error is not None
    assert f"BROKEN  acme: TRUNCATED the chain ends at seq {last.seq}" in output


@pytest.mark.parametrize(
    ("key", "warned"),
    [
        ("", "OPSBASE_AUDIT_KEY is not set"),
        ("short", "shorter than 32 characters"),
        ("same-as-the-secret-key", "is the SECRET_KEY"),
        ("a-long-enough-random-audit-key-0123456789", None),
    ],
)
def test_the_deployment_check_warns_about_a_missing_or_weak_key(settings, key, warned):
    if key == "same-as-the-secret-key":
        key = settings.SECRET_KEY
    settings.OPSBASE_AUDIT_KEY = key

    messages = check_audit_key()

    if warned is None:
        assert messages == []
    else:
        [message] = messages
        assert message.id == "opsbase.W010" and warned in message.msg


def test_the_key_is_checked_only_with_deploy(settings, capsys):
    settings.OPSBASE_AUDIT_KEY = ""

    call_command("check")  # no --deploy: silent
    with pytest.raises(Exception, match="opsbase.W010"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")
