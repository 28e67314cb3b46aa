import pytest
from django.db import connection

from opsbase.kernel.audit.models import AuditEvent


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
