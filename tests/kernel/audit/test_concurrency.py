"""Concurrent writers cannot fork a chain: the head row is locked while appending.

Runs on PostgreSQL and MySQL/MariaDB; SQLite serialises writers with one database lock, so
it cannot show a race.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from opsbase.kernel.audit.models import chain_key
from opsbase.kernel.audit.services import audit_chain_verify, audit_event
from opsbase.testing.factories import TenantFactory

from .conftest import chain_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor not in ("postgresql", "mysql"), reason="needs PostgreSQL or MariaDB"
    ),
]

THREADS = 8
EVENTS_PER_THREAD = 5


def run_writers(tenant) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(EVENTS_PER_THREAD):
                with transaction.atomic():
                    audit_event(
                        tenant=tenant, actor=None, action="test.race", target_label=f"{n}.{i}"
                    )
                    time.sleep(0.002)  # hold the head a moment so writers really overlap
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.parametrize("tenant_kind", ["tenant", "system"])
def test_parallel_transactions_append_one_unbroken_chain(tenant_kind):
    tenant = TenantFactory(name="Race", slug="race") if tenant_kind == "tenant" else None
    before = len(chain_of(tenant))

    errors = run_writers(tenant)

    assert errors == []
    events = chain_of(tenant)
    assert len(events) == before + THREADS * EVENTS_PER_THREAD
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    result = audit_chain_verify(tenant=tenant, system=tenant is None)
    assert result.ok, [c.problem for c in result.chains]
    assert result.chains[0].chain == chain_key(tenant)


def test_first_writers_of_a_new_chain_announce_it_once():
    # An organization made without the services: its chain has neither events nor head, so
    # every writer below finds no head and races to create and announce it.
    from opsbase.kernel.tenants.models import Tenant

    tenant = Tenant.objects.create(name="Newcomer", slug="newcomer")
    system_before = len(chain_of(None))

    errors = run_writers(tenant)

    assert errors == []
    announced = [e for e in chain_of(None)[system_before:] if e.action == "audit.chain_create"]
    assert [e.target_id for e in announced] == [str(tenant.pk)]
    assert len(chain_of(tenant)) == THREADS * EVENTS_PER_THREAD
    result = audit_chain_verify()
    assert result.ok, [c.problem for c in result.chains]
