"""A query of one shape compiled once and read as the queryset reads it."""

from __future__ import annotations

import pytest
from django.db import connections

from opsbase.core import compiled as compiled_module
from opsbase.core.compiled import compiled
from tests.testapp.models import Ticket

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "title", "status", "created_at", "checklist_done", "owner__email", "tenant_id")


@pytest.fixture
def tickets(world, admin):
    owner = admin.user
    return [
        Ticket.objects.create(tenant=admin.tenant, title=f"Ticket {n}", owner=owner)
        for n in range(5)
    ]


def by_keys(*keys):
    return Ticket.objects.unscoped().filter(pk__in=keys).values(*COLUMNS).order_by()


def by_title(title):
    return Ticket.objects.unscoped().select_related("owner", "tenant").filter(title=title)


def test_a_values_shape_reads_what_the_queryset_reads_for_every_set_of_values(tickets):
    query = compiled(Ticket, ("test.values", 2), by_keys, [-1, -2])
    for pair in ([tickets[0].pk, tickets[1].pk], [tickets[3].pk, tickets[4].pk]):
        assert sorted(query.values(pair), key=lambda r: r["id"]) == sorted(
            by_keys(*pair), key=lambda r: r["id"]
        )
    row = query.values([tickets[2].pk, -5])[0]
    assert row["created_at"].tzinfo is not None  # through Django's converters
    assert row["checklist_done"] is False  # a boolean on every engine (MariaDB: 0)


def test_a_model_shape_reads_instances_with_their_related_objects_joined(
    tickets, django_assert_num_queries
):
    query = compiled(Ticket, "test.by_title", by_title, ["opsbase:placeholder"])
    query.objects(["Ticket 0"])  # compiled and run once

    with django_assert_num_queries(1):
        (found,) = query.objects(["Ticket 3"])
        assert (found.pk, found.owner.email, found.tenant.slug) == (
            tickets[3].pk,
            tickets[3].owner.email,
            tickets[3].tenant.slug,
        )
    assert found._state.adding is False and found._state.db == "default"
    assert query.objects(["nothing of that title"]) == []


def test_a_shape_is_compiled_once_per_connection(tickets, compilations):
    compiled(Ticket, ("test.once", 1), by_keys, [-1]).values([tickets[0].pk])
    recorded = compilations()

    for ticket in tickets:
        assert compiled(Ticket, ("test.once", 1), by_keys, [-1]).values([ticket.pk])[0]["id"] == (
            ticket.pk
        )
    assert recorded == []


def test_a_placeholder_changed_by_its_lookup_is_refused():
    def containing(text):
        return Ticket.objects.unscoped().filter(title__contains=text)

    with pytest.raises(ValueError, match="not among the query's parameters"):
        compiled(Ticket, "test.contains", containing, ["opsbase:placeholder"])


def test_values_list_is_refused():
    def flat(pk):
        return Ticket.objects.unscoped().filter(pk=pk).values_list("pk", flat=True)

    with pytest.raises(ValueError, match="values_list"):
        compiled(Ticket, "test.flat", flat, [-1])


@pytest.mark.parametrize("extra", ["prefetch", "annotate"])
def test_a_model_queryset_whose_rows_hold_more_than_instances_is_refused(extra):
    from django.db.models import Value

    def tickets(title):
        found = Ticket.objects.unscoped().filter(title=title)
        if extra == "prefetch":
            return found.prefetch_related("tenant")
        return found.annotate(flag=Value(1))

    with pytest.raises(ValueError, match="without annotations or prefetching"):
        compiled(Ticket, ("test.more", extra), tickets, ["opsbase:placeholder"])


def test_the_shapes_a_connection_keeps_are_bounded(tickets, monkeypatch):
    monkeypatch.setattr(compiled_module, "MAX_SHAPES", 4)
    vars(connections["default"]).pop(compiled_module._ATTRIBUTE, None)
    for n in range(3):  # shapes of earlier requests
        compiled(Ticket, ("test.earlier", n), by_keys, [-1])
    for n in range(10):
        compiled(Ticket, ("test.bounded", n), by_keys, [-1])

    cache = vars(connections["default"])[compiled_module._ATTRIBUTE]
    assert 1 <= len(cache) <= 4
    assert ("test.bounded", 9) in cache  # the newest shapes are kept
    assert not any(shape[0] == "test.earlier" for shape in cache)
