"""The verify command detects history edited, deleted, inserted or reordered behind Django."""

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections

from opsbase.kernel.audit.services import audit_chain_verify, audit_event

from .conftest import chain_of


@pytest.fixture
def history(world):
    """Acme's chain with five more events, and two in Globex's and the system chain each."""
    for i in range(5):
        audit_event(
            tenant=world.home,
            actor=world.members["admin"].user,
            action="test.step",
            target_label=f"step {i}",
            changes={"n": (i, i + 1)},
        )
    for tenant in (world.away, None):
        for i in range(2):
            audit_event(tenant=tenant, actor=None, action="test.other", target_label=str(i))
    return chain_of(world.home)


def verify(*args):
    """Run the command; its output and whether it failed."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit_verify", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def test_an_untouched_log_verifies(history):
    output, error = verify()
    assert error is None
    assert "OK: 3 chain(s)" in output
    # The system chain: the announcements of Acme's and Globex's chains, and two events.
    assert "OK      acme:" in output and "OK      (system): 4 events" in output


def test_the_command_exits_zero_when_untouched_and_one_when_broken(history, raw_sql, monkeypatch):
    # Run as from the shell, but keep the test's database connection open afterwards.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    # A clean run returns normally (exit status 0); a failure exits with status 1.
    execute_from_command_line(["manage.py", "audit_verify", "--tenant", "acme"])

    raw_sql("UPDATE {table} SET target_label = %s WHERE id = %s", ["forged", history[2].pk])
    with pytest.raises(SystemExit) as broken:
        execute_from_command_line(["manage.py", "audit_verify", "--tenant", "acme"])
    assert broken.value.code == 1


def test_an_edited_value_is_named(history, raw_sql):
    victim = history[2]
    raw_sql(
        "UPDATE {table} SET changes = %s WHERE id = %s", ['{"n": {"old": 2, "new": 99}}', victim.pk]
    )

    output, error = verify("--tenant", "acme")

    assert error is not None and "acme" in error
    assert f"EDITED event {victim.pk} (seq {victim.seq})" in output


def test_a_deleted_event_is_named_by_the_gap(history, raw_sql):
    raw_sql("DELETE FROM {table} WHERE id = %s", [history[1].pk])

    output, error = verify("--tenant", "acme")

    assert error is not None
    assert f"DELETED event {history[2].pk} (seq 3): seq 2 is missing before it" in output


def test_deleting_the_newest_events_is_detected_from_the_head(history, raw_sql):
    *kept, second_last, last = history
    raw_sql("DELETE FROM {table} WHERE id IN (%s, %s)", [second_last.pk, last.pk])

    output, error = verify("--tenant", "acme")

    assert error is not None
    assert (
        f"DELETED the chain head is at seq {last.seq} but seqs {second_last.seq}..{last.seq} "
        "are missing" in output
    )


def test_swapped_events_are_reported_as_reordered(history, raw_sql):
    a, b = history[1], history[2]
    raw_sql("UPDATE {table} SET seq = %s WHERE id = %s", [1000, a.pk])
    raw_sql("UPDATE {table} SET seq = %s WHERE id = %s", [a.seq, b.pk])
    raw_sql("UPDATE {table} SET seq = %s WHERE id = %s", [b.seq, a.pk])

    output, error = verify("--tenant", "acme")

    assert error is not None
    assert f"REORDERED event {b.pk} (seq {a.seq}): links to event {a.pk}" in output


def test_a_forged_row_in_the_middle_is_reported_as_inserted(history, raw_sql, world):
    source = history[2]
    # The (chain, seq) constraint stops a duplicate seq, so the forger renumbers the tail and
    # slips a row in with a made-up link.
    for event in reversed(history[2:]):
        raw_sql("UPDATE {table} SET seq = seq + 1 WHERE id = %s", [event.pk])
    raw_sql(
        "INSERT INTO {table} (tenant_id, chain, seq, actor_label, action, target_type,"
        " target_id, target_label, changes, request_id, user_agent, created_at, prev_hash,"
        " hash) VALUES (%s, %s, 3, '', 'forged', '', '', 'forged', '{{}}', '', '', %s, %s, %s)",
        [world.home.pk, world.home.pk, source.created_at, "1" * 64, "2" * 64],
    )

    output, error = verify("--tenant", "acme")

    assert error is not None
    assert "INSERTED event" in output and "(seq 3)" in output


def test_a_row_appended_beyond_the_head_is_reported_as_inserted(history, raw_sql, world):
    last = history[-1]
    raw_sql(
        "INSERT INTO {table} (tenant_id, chain, seq, actor_label, action, target_type,"
        " target_id, target_label, changes, request_id, user_agent, created_at, prev_hash,"
        " hash) VALUES (%s, %s, %s, '', 'forged', '', '', 'forged', '{{}}', '', '', %s, %s, %s)",
        [world.home.pk, world.home.pk, last.seq + 1, last.created_at, last.hash, "3" * 64],
    )

    output, error = verify("--tenant", "acme")

    assert error is not None
    assert "INSERTED event" in output and f"(seq {last.seq + 1}): beyond the chain head" in output


def test_one_broken_chain_does_not_hide_the_others(history, raw_sql, world):
    raw_sql("UPDATE {table} SET action = 'x' WHERE id = %s", [history[0].pk])

    result = audit_chain_verify()

    assert [c.label for c in result.broken] == ["acme"]
    assert {c.label: c.ok for c in result.chains} == {
        "(system)": True,
        "acme": False,
        "globex": True,
    }
    assert result.broken[0].problem.kind == "edited"
    assert result.broken[0].problem.event_id == history[0].pk


def test_an_unknown_tenant_slug_is_an_error(history):
    _output, error = verify("--tenant", "nope")
    assert error == "No tenant has the slug 'nope'."


def test_values_keep_verifying_after_the_database_round_trip(world):
    # Each engine stores JSON its own way (jsonb normalises numbers, MariaDB keeps text).
    from datetime import date
    from decimal import Decimal

    audit_event(
        tenant=world.home,
        actor=world.members["admin"].user,
        action="test.values",
        target_label="Ünïcødé — “quotes” 🚀",
        changes={
            "ratio": (1.0, 1e16),
            "price": (Decimal("1.10"), 0.1),
            "tiny": (1e-7, -2.5),
            "when": (date(2024, 2, 29), None),
            "tags": (["a", "b"], {"nested": {"z": 1, "a": [1.5, True, None]}}),
            "big": (2**53 + 1, -(2**40)),
        },
    )

    assert audit_chain_verify(tenant=world.home).ok
