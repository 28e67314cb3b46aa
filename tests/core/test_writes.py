"""Writes under concurrency: the row lock, and a busy SQLite database retried, then 503."""

import sqlite3
import threading
import time

import django
import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test import Client

from opsbase.core.exceptions import NotFound
from opsbase.core.writes import atomic_write, is_database_busy, row_lock
from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.factories import UserFactory
from tests.testapp.models import Ticket

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's whole-database lock"
)


def _ticket(member, title="Pump"):
    return Ticket.objects.create(tenant_id=member.tenant_id, owner=member.user, title=title)


def test_row_lock_reads_the_row_afresh(world):
    member = world.members[RoleKind.ADMIN]
    stale = _ticket(member)
    Ticket.objects.for_tenant(member.tenant_id).filter(pk=stale.pk).update(title="Valve")

    with transaction.atomic():
        locked = row_lock(Ticket, pk=stale.pk, tenant_id=member.tenant_id)

    assert (stale.title, locked.title) == ("Pump", "Valve")


@pytest.mark.parametrize("case", ["deleted", "other tenant", "not a number"])
def test_row_lock_answers_not_found_for_a_row_that_is_not_there(world, case):
    member = world.members[RoleKind.ADMIN]
    ticket = _ticket(member)
    pk, tenant_id = ticket.pk, member.tenant_id
    if case == "deleted":
        ticket.delete()
    elif case == "other tenant":
        tenant_id = world.away.pk
    else:
        pk = "1 OR 1=1"

    with transaction.atomic(), pytest.raises(NotFound):
        row_lock(Ticket, pk=pk, tenant_id=tenant_id)


def test_only_sqlites_lock_errors_count_as_busy():
    assert is_database_busy(OperationalError("database is locked"))
    assert is_database_busy(OperationalError("database table is locked: tickets"))
    assert not is_database_busy(OperationalError("no such table: tickets"))
    assert not is_database_busy(RuntimeError("database is locked"))


def _hold_the_database(seconds: float) -> threading.Event:
    """Another connection to the test database writes and keeps its lock for *seconds*."""
    name = connection.settings_dict["NAME"]
    uri = str(name).startswith("file:")
    taken = threading.Event()

    def hold():
        other = sqlite3.connect(name, uri=uri, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        other.execute(f"DELETE FROM {Ticket._meta.db_table} WHERE id = -1")  # noqa: S608
        taken.set()
        time.sleep(seconds)
        other.execute("ROLLBACK")
        other.close()

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(5)
    return taken


@pytest.fixture
def deferred(monkeypatch):
    """Transactions begin deferred, as on Django 4.2 (no ``transaction_mode``): one that
    reads first is refused at once when it writes while another connection writes."""
    wrapper = connections["default"]  # the wrapper itself: the proxy keeps no attributes
    wrapper.ensure_connection()
    monkeypatch.setattr(wrapper, "transaction_mode", None, raising=False)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_write_refused_at_once_is_tried_again_until_the_database_is_free(world, deferred):
    member = world.members[RoleKind.ADMIN]
    attempts = []

    @atomic_write
    def write():
        attempts.append(1)
        list(Ticket.objects.for_tenant(member.tenant_id))  # read first, then write
        return _ticket(member, "Written after the wait")

    _hold_the_database(0.15)
    ticket = write()

    assert len(attempts) > 1
    assert Ticket.objects.for_tenant(member.tenant_id).get(pk=ticket.pk).title.startswith("Written")


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_database_busy_for_too_long_is_refused_with_nothing_written(world, deferred):
    member = world.members[RoleKind.ADMIN]

    @atomic_write
    def write():
        list(Ticket.objects.for_tenant(member.tenant_id))
        return _ticket(member, "Never written")

    _hold_the_database(3)
    started = time.monotonic()
    with pytest.raises(OperationalError) as caught:
        write()

    assert is_database_busy(caught.value)
    assert time.monotonic() - started < 2.5  # briefly: refused before the other one is done
    time.sleep(3)
    assert not Ticket.objects.for_tenant(member.tenant_id).filter(title="Never written").exists()


@sqlite_only
@pytest.mark.skipif(django.VERSION < (5, 1), reason="transaction_mode is Django 5.1+")
@pytest.mark.django_db(transaction=True)
def test_a_transaction_begins_as_a_writer_and_queues_for_the_lock(world):
    member = world.members[RoleKind.ADMIN]

    @atomic_write
    def write():
        list(Ticket.objects.for_tenant(member.tenant_id))
        return _ticket(member, "Queued")

    _hold_the_database(0.3)
    started = time.monotonic()
    write()

    assert time.monotonic() - started > 0.2  # it waited for the other writer, then wrote
    assert Ticket.objects.for_tenant(member.tenant_id).filter(title="Queued").exists()


def test_a_write_inside_an_outer_transaction_is_not_retried_on_its_own(world):
    calls = []

    @atomic_write
    def write():
        calls.append(1)
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError):
        write()  # the test's own transaction is the outer one: retrying is its caller's choice

    assert calls == [1]


# -- the answer: 503 with Retry-After, for pages and the API alike --------------------------


@pytest.fixture
def busy_views(settings):
    """A page and an API endpoint of the test URLconf that find the database busy."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.core.busy_urls"


def test_a_busy_database_answers_a_page_503_with_retry_after(busy_views, db):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    response = client.get("/t/busy/")

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "try again in a moment" in response.content.decode()


def test_a_busy_database_answers_the_api_503_in_its_error_shape(busy_views, db):
    response = Client(raise_request_exception=False).get("/api/v1/t/busy/")

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    error = response.json()["error"]
    assert (error["code"], error["details"]["retry_after"]) == ("database_busy", 1)


def test_a_busy_database_met_after_the_view_is_no_server_error(busy_views, db, monkeypatch):
    """A middleware's write (a session saved after the view) meets the busy database: the
    500 handler answers 503 as the view would have."""
    from django.contrib.sessions.backends.db import SessionStore

    def busy_save(self, must_create=False):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionStore, "save", busy_save)
    response = Client(raise_request_exception=False).get("/t/busy-after/")

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
