"""Gapless numbering under load: invoices issued at once, from real threads with their own
database connections, get distinct consecutive numbers (PostgreSQL and MariaDB); issued one
after another on any engine, they do too; a refused issue takes no number."""

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.modules.billing.constants import InvoiceStatus
from opsbase.modules.billing.models import Invoice
from opsbase.modules.billing.services import invoice_create, invoice_issue
from opsbase.testing.api import token_for
from opsbase.testing.concurrency import in_threads, needs_row_locks

from .conftest import LINES

YEAR = timezone.localdate().year


def _sequence_numbers(tenant):
    numbers = list(
        Invoice.objects.for_tenant(tenant).exclude(number=None).values_list("number", flat=True)
    )
    return sorted(int(re.fullmatch(rf"INV-{YEAR}-(\d{{4}})", n).group(1)) for n in numbers)


def _drafts(admin, customer, count):
    return [invoice_create(membership=admin, customer=customer, lines=LINES) for _ in range(count)]


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_fifty_invoices_issued_at_once_get_fifty_consecutive_numbers(admin, customer):
    drafts = _drafts(admin, customer, 50)

    def issue(invoice):
        return lambda: invoice_issue(membership=admin, invoice=invoice).number

    numbers = in_threads([issue(d) for d in drafts], workers=50)

    assert len(set(numbers)) == 50, Counter(numbers).most_common(3)
    assert _sequence_numbers(admin.tenant) == list(range(1, 51))
    assert not Invoice.objects.for_tenant(admin.tenant).filter(status=InvoiceStatus.DRAFT).exists()
    assert audit_chain_verify(tenant=admin.tenant).ok
    assert sorted(numbers) == [f"INV-{YEAR}-{n:04}" for n in range(1, 51)]


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_api_issues_give_consecutive_numbers(admin, customer):
    drafts = _drafts(admin, customer, 20)
    _token, raw = token_for(admin)

    def issue(invoice):
        def call():
            from rest_framework.test import APIClient

            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
            return client.post(f"/api/v1/invoices/{invoice.pk}/issue/")

        return call

    answers = in_threads([issue(d) for d in drafts], workers=20)

    assert [a.status_code for a in answers] == [200] * 20, [a.content[:200] for a in answers]
    assert _sequence_numbers(admin.tenant) == list(range(1, 21))


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_the_same_draft_issued_twice_at_once_is_issued_once(admin, customer):
    (draft,) = _drafts(admin, customer, 1)

    def issue():
        try:
            return invoice_issue(
                membership=admin, invoice=Invoice.objects.for_tenant(admin.tenant).get(pk=draft.pk)
            ).number
        except Exception as exc:  # noqa: BLE001 - the loser's refusal is the point
            return type(exc).__name__

    results = in_threads([issue] * 8, workers=8)

    assert results.count(f"INV-{YEAR}-0001") == 1
    assert set(results) == {f"INV-{YEAR}-0001", "InvalidTransition"}
    assert _sequence_numbers(admin.tenant) == [1]


def test_invoices_issued_one_after_another_are_numbered_without_gaps(admin, customer):
    drafts = _drafts(admin, customer, 50)

    numbers = [invoice_issue(membership=admin, invoice=d).number for d in drafts]

    assert numbers == [f"INV-{YEAR}-{n:04}" for n in range(1, 51)]


def test_a_rolled_back_issue_gives_its_number_back(admin, customer, monkeypatch):
    first, second = _drafts(admin, customer, 2)
    from opsbase.kernel.audit import services as audit

    real = audit.audit_event

    def failing(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(audit, "audit_event", failing)
    with pytest.raises(RuntimeError):
        invoice_issue(membership=admin, invoice=first)
    monkeypatch.setattr(audit, "audit_event", real)

    invoice_issue(membership=admin, invoice=second)

    assert second.number == f"INV-{YEAR}-0001"
    first.refresh_from_db()
    assert first.number is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's whole-database lock")
@pytest.mark.django_db(transaction=True)
def test_parallel_api_issues_on_a_sqlite_server_are_numbered_without_gaps(
    admin, customer, tmp_path
):
    """As the demo runs (gunicorn, three workers, a file database): each issue answers 200,
    or 503 with Retry-After when the database stays busy, and the issued ones hold 1..n."""
    import json
    import sqlite3

    from tests.modules.tasks.test_races import _free_port, _post, _serve

    drafts = _drafts(admin, customer, 20)
    _token, raw = token_for(admin)
    database = tmp_path / "demo.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(database)
    connection.connection.backup(target)
    target.close()
    port = _free_port()
    server = _serve(database, port)
    try:
        barrier = threading.Barrier(len(drafts))

        def issue(invoice):
            barrier.wait(timeout=10)
            return _post(f"http://127.0.0.1:{port}/api/v1/invoices/{invoice.pk}/issue/", raw, {})

        with ThreadPoolExecutor(max_workers=len(drafts)) as pool:
            answers = list(pool.map(issue, drafts))
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    codes = Counter(code for code, _headers, _body in answers)
    assert set(codes) <= {200, 503}, (codes, output[-3000:])
    issued = sorted(json.loads(body)["number"] for code, _h, body in answers if code == 200)
    assert issued == [f"INV-{YEAR}-{n:04}" for n in range(1, codes[200] + 1)]
    stored = sqlite3.connect(database).execute(
        "SELECT number FROM billing_invoice WHERE number IS NOT NULL ORDER BY number"
    )
    assert [row[0] for row in stored.fetchall()] == issued
