"""PostgreSQL links an event into its chain in one statement, with the hash Python computes.

On PostgreSQL the database numbers and hashes a single event from the locked head (see
``chain._append_one``), so the hash comes from SQL's ``sha256`` over a document Python cut in
three around the head's values. Verification recomputes every hash in Python: the two must
agree byte for byte, whatever the event holds.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.audit.chain import GENESIS, event_digest
from opsbase.kernel.audit.models import AuditChainHead, AuditEvent, chain_key
from opsbase.kernel.audit.services import audit_chain_verify, audit_event
from opsbase.kernel.tenants.models import Tenant

from .conftest import chain_of

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the single-statement append is PostgreSQL's"
)

AWKWARD = [
    'quotes " and \\ backslashes \\" mixed',
    'looks like the document: "prev_hash":"' + "0" * 64 + '","seq":7}',
    "Ünïcødé — “curly” 🚀 and a line\nbreak\tand \u2028 separator",
    "",
]


@postgresql_only
@pytest.mark.parametrize("label", AWKWARD)
def test_one_event_is_linked_in_one_statement_with_the_hash_python_computes(world, label):
    before = chain_of(world.home)[-1]

    with CaptureQueriesContext(connection) as queries:
        event = audit_event(
            tenant=world.home,
            actor=world.members["admin"].user,
            action="test.awkward",
            target_label=label,
            changes={"note": (label, {"nested": [label, 1.0, 2.5, None, True]})},
        )

    assert len(queries) == 1 and "WITH head AS" in queries[0]["sql"]
    stored = AuditEvent.objects.for_chain(chain_key(world.home)).get(pk=event.pk)
    assert (stored.seq, stored.prev_hash) == (before.seq + 1, before.hash)
    assert stored.hash == event.hash == event_digest(stored)
    head = AuditChainHead.objects.get(chain=chain_key(world.home))
    assert (head.last_seq, head.last_hash) == (stored.seq, stored.hash)
    assert audit_chain_verify(tenant=world.home).ok


def test_the_first_event_of_a_chain_creates_its_head(db):
    # Every engine; on PostgreSQL the single statement finds no head and steps aside.
    # A chain never written: an organization made without the services, so no events and no
    # head (deleting a chain's rows instead would now read as a chain begun again).
    tenant = Tenant.objects.create(name="Fresh", slug="fresh")
    assert not AuditChainHead.objects.filter(chain=chain_key(tenant)).exists()

    first = audit_event(tenant=tenant, actor=None, action="test.first")
    second = audit_event(tenant=tenant, actor=None, action="test.second")

    assert (first.seq, first.prev_hash) == (1, GENESIS)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert [e.hash for e in chain_of(tenant)] == [first.hash, second.hash]
    assert audit_chain_verify(tenant=tenant).ok
