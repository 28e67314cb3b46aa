import pytest
from django.db import connection

from opsbase.kernel.audit.models import AuditChainHead, AuditEvent


@pytest.fixture
def raw_sql():
    """Run SQL on the audit table behind Django's back, as someone with database access would."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)

    def run(sql: str, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql.format(table=table), params)

    return run


def chain_of(tenant):
    """The stored events of *tenant*'s chain (or the system chain for None), in seq order."""
    from opsbase.kernel.audit.models import chain_key

    return list(AuditEvent.objects.for_chain(chain_key(tenant)))


@pytest.fixture
def heads_sql():
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)

    def run(sql: str, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql.format(heads=table), params)

    return run


def truncate(chain: int, keep: int, raw_sql, heads_sql) -> AuditEvent:
    """Delete the events after seq *keep* and point the head at the new last one, as an
    attacker with write access to the database would; the new last event."""
    raw_sql("DELETE FROM {table} WHERE chain = %s AND seq > %s", [chain, keep])
    last = AuditEvent.objects.for_chain(chain).get(seq=keep)
    heads_sql(
        "UPDATE {heads} SET last_seq = %s, last_hash = %s WHERE chain = %s",
        [last.seq, last.hash, chain],
    )
    return last


def delete_chain(chain: int, raw_sql, heads_sql) -> None:
    raw_sql("DELETE FROM {table} WHERE chain = %s", [chain])
    heads_sql("DELETE FROM {heads} WHERE chain = %s", [chain])
