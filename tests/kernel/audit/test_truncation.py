"""Truncation is detected: a chain cut short with its head moved back, or a chain deleted whole.

Chain heads are checkpointed outside the audit tables (an append-only file under ``logs/``
and the system chain), each signed with ``OPSBASE_AUDIT_KEY``; the first event of every
tenant's chain announces the chain on the system chain. ``audit_verify`` compares what is
stored with both.
"""

import json
import os
import shutil
import stat
import subprocess

import pytest
from django.conf import settings

from opsbase.kernel.audit.models import SYSTEM_CHAIN, AuditChainHead, chain_key
from opsbase.kernel.audit.services import audit_chain_verify, audit_checkpoint, audit_event
from opsbase.kernel.tenants.models import Tenant

from .conftest import chain_of, delete_chain, truncate
from .test_verify import verify


@pytest.fixture
def history(world):
    """Acme's chain with five more events, and two in Globex's and the system chain each."""
    for i in range(5):
        audit_event(
            tenant=world.home,
            actor=world.members["admin"].user,
            action="test.step",
            target_label=f"step {i}",
        )
    for tenant in (world.away, None):
        for i in range(2):
            audit_event(tenant=tenant, actor=None, action="test.other", target_label=str(i))
    return chain_of(world.home)


def checkpoint_lines() -> list[dict]:
    path = settings.OPSBASE_AUDIT_CHECKPOINT_FILE
    return [json.loads(line) for line in path.read_text().splitlines()]


# -- the two cases of the attack --------------------------------------------------------------


def test_tail_truncation_with_the_head_moved_back_is_reported(history, raw_sql, heads_sql, world):
    output, error = verify()  # checkpoints every chain it verified
    assert error is None
    last = history[-1]

    truncate(chain_key(world.home), last.seq - 2, raw_sql, heads_sql)
    output, error = verify()

    assert error is not None and "acme" in error
    assert (
        f"BROKEN  acme: TRUNCATED the chain ends at seq {last.seq - 2} but was checkpointed "
        f"at seq {last.seq}" in output
    )
    assert f"seqs {last.seq - 1}..{last.seq} were deleted" in output
    assert "OK      globex:" in output


def test_a_deleted_chain_and_head_are_named_missing(history, raw_sql, heads_sql, world):
    verify()

    delete_chain(chain_key(world.home), raw_sql, heads_sql)
    output, error = verify()

    assert error is not None and "acme" in error
    assert f"BROKEN  acme: MISSING the chain of acme (tenant {world.home.pk})" in output
    assert "OK      globex:" in output


def test_a_chain_deleted_before_any_checkpoint_is_named_from_its_creation_event(
    history, raw_sql, heads_sql, world
):
    # No verify and no scheduled checkpoint has run yet: the system chain still says that
    # Acme's chain was created.
    delete_chain(chain_key(world.home), raw_sql, heads_sql)

    output, error = verify()

    assert error is not None
    assert (
        f"MISSING the chain of acme (tenant {world.home.pk}) has no events and no head, " in output
    )
    assert "but it was created on " in output and "(system chain seq 1): it was deleted." in output


def test_a_missing_chain_of_a_deleted_organization_is_named_by_its_old_slug(db, raw_sql, heads_sql):
    tenant = Tenant.objects.create(name="Initech", slug="initech")
    audit_event(tenant=tenant, actor=None, action="test.only")
    audit_checkpoint()

    delete_chain(chain_key(tenant), raw_sql, heads_sql)
    Tenant.objects.filter(pk=tenant.pk).delete()  # the organization is gone as well
    output, error = verify()

    assert error is not None
    assert f"BROKEN  initech: MISSING the chain of initech (tenant {tenant.pk})" in output
    assert "it was checkpointed at seq 1 on " in output


def test_a_missing_chain_is_reported_when_verifying_that_tenant_only(
    history, raw_sql, heads_sql, world
):
    delete_chain(chain_key(world.home), raw_sql, heads_sql)

    output, error = verify("--tenant", "acme")

    assert error is not None
    assert "MISSING the chain of acme" in output


def test_the_first_event_of_a_tenant_chain_is_announced_on_the_system_chain(db):
    tenant = Tenant.objects.create(name="Fresh", slug="fresh")  # no event yet
    before = len(chain_of(None))

    audit_event(tenant=tenant, actor=None, action="test.first")
    audit_event(tenant=tenant, actor=None, action="test.second")

    announced = chain_of(None)[before:]
    assert [(e.action, e.target_id, e.target_label) for e in announced] == [
        ("audit.chain_create", str(tenant.pk), "Fresh")
    ]
    assert audit_chain_verify().ok


def test_a_chain_started_again_after_its_deletion_is_reported(history, raw_sql, heads_sql, world):
    # The attacker deletes the chain and its head; the application then writes on and starts
    # a brand-new chain at seq 1.
    delete_chain(chain_key(world.home), raw_sql, heads_sql)
    audit_event(tenant=world.home, actor=None, action="test.after")

    output, error = verify("--tenant", "acme")

    assert error is not None
    assert "BROKEN  acme: RESTARTED" in output


# -- where the checkpoints are kept ----------------------------------------------------------


def test_truncation_is_caught_from_the_system_chain_when_the_file_is_gone(
    history, raw_sql, heads_sql, world
):
    audit_checkpoint()
    settings.OPSBASE_AUDIT_CHECKPOINT_FILE.unlink()
    truncate(chain_key(world.home), history[-1].seq - 1, raw_sql, heads_sql)

    output, error = verify()

    assert error is not None
    assert "BROKEN  acme: TRUNCATED" in output


def test_truncating_the_system_chain_too_is_caught_from_the_file(
    history, raw_sql, heads_sql, world
):
    system_before = chain_of(None)[-1]
    audit_checkpoint()
    # The attacker cuts Acme short and removes the checkpoint event from the system chain.
    truncate(chain_key(world.home), history[-1].seq - 1, raw_sql, heads_sql)
    truncate(SYSTEM_CHAIN, system_before.seq, raw_sql, heads_sql)

    output, error = verify()

    assert error is not None
    assert "BROKEN  (system): TRUNCATED" in output
    assert "BROKEN  acme: TRUNCATED" in output


def test_a_chain_rebuilt_with_new_hashes_differs_from_its_checkpoint(history, raw_sql, world):
    from opsbase.kernel.audit.chain import event_digest

    audit_checkpoint()
    # Rewrite an old event and recompute every later hash and the head: the chain is
    # consistent again, but no longer ends in the checkpointed hash.
    events = chain_of(world.home)
    prev = events[1].prev_hash
    for index, event in enumerate(events[1:], start=1):
        if index == 1:
            event.target_label = "rewritten"
        event.prev_hash = prev
        event.hash = event_digest(event)
        raw_sql(
            "UPDATE {table} SET target_label = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.target_label, event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    AuditChainHead.objects.filter(chain=chain_key(world.home)).update(last_hash=prev)

    output, error = verify("--tenant", "acme")

    assert error is not None
    assert "BROKEN  acme: REBUILT" in output


def test_the_checkpoint_file_is_private_append_only_json_lines(history, world):
    path = settings.OPSBASE_AUDIT_CHECKPOINT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"kept": "what was there before"}\n')

    audit_checkpoint()

    assert stat.S_IMODE(os.stat(path).st_mode) & 0o037 == 0  # 0640 at most
    lines = path.read_text().splitlines()
    assert lines[0] == '{"kept": "what was there before"}'
    records = [json.loads(line) for line in lines[1:]]
    by_chain = {r["chain"]: r for r in records}
    acme = by_chain[chain_key(world.home)]
    assert (acme["seq"], acme["hash"]) == (history[-1].seq, history[-1].hash)
    assert set(acme) >= {"chain", "seq", "hash", "at", "mac", "label"}
    assert acme["label"] == "acme"
    assert SYSTEM_CHAIN in by_chain and chain_key(world.away) in by_chain


def test_an_unchanged_chain_is_not_checkpointed_again(history):
    audit_checkpoint()
    first = len(checkpoint_lines())

    audit_checkpoint()

    assert len(checkpoint_lines()) == first


def test_appending_events_writes_no_checkpoint(history, world):
    # Checkpoints are periodic, never per event: the write path stays as it was.
    path = settings.OPSBASE_AUDIT_CHECKPOINT_FILE
    audit_checkpoint()
    size = path.stat().st_size

    for i in range(5):
        audit_event(tenant=world.home, actor=None, action="test.more", target_label=str(i))

    assert path.stat().st_size == size


def test_a_forged_checkpoint_line_is_reported(history):
    audit_checkpoint()
    path = settings.OPSBASE_AUDIT_CHECKPOINT_FILE
    record = checkpoint_lines()[0]
    record["seq"] += 100  # claims more history than there was, without the key
    with path.open("a") as handle:
        handle.write(json.dumps(record) + "\n")

    output, error = verify()

    assert error is not None
    assert "FORGED checkpoint" in output and "line" in output


@pytest.fixture
def append_only_file():
    """The checkpoint file made append-only by root (``chattr +a``), as docs/audit.md advises."""
    path = settings.OPSBASE_AUDIT_CHECKPOINT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o640)
    if shutil.which("chattr") is None or os.geteuid() != 0:
        pytest.skip("needs root and chattr")
    if subprocess.run(["chattr", "+a", str(path)], check=False).returncode != 0:  # noqa: S603, S607
        pytest.skip("this file system has no append-only attribute")
    yield path
    subprocess.run(["chattr", "-a", str(path)], check=True)  # noqa: S603, S607


def test_an_append_only_file_keeps_its_checkpoints_from_someone_holding_the_key(
    history, raw_sql, heads_sql, world, append_only_file
):
    from opsbase.kernel.audit.checkpoints import (
        Checkpoint,
        audit_keys,
        checkpoint_file_append,
    )

    audit_checkpoint()
    last = history[-1]
    # An attacker with the database and the key (but not root): the lines cannot be removed...
    with pytest.raises(PermissionError):
        append_only_file.open("w").close()
    kept = truncate(chain_key(world.home), last.seq - 2, raw_sql, heads_sql)
    # ...and a forged checkpoint of the cut chain only adds a lower one.
    forged = Checkpoint(
        chain_key(world.home), kept.seq, kept.hash, "2030-01-01T00:00:00+00:00", "acme"
    )
    checkpoint_file_append(append_only_file, [forged.signed(audit_keys()[0])])

    output, error = verify()

    assert error is not None
    assert (
        f"TRUNCATED the chain ends at seq {kept.seq} but was checkpointed at seq {last.seq}"
        in output
    )
