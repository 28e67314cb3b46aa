"""``Predicate.keeps_all``: a rule's scope says it keeps every row without building its
``Q`` (a list asks it once per state and member), and must say so exactly when ``q()`` is
empty, for every kernel predicate, their combinations and every role kind."""

import itertools
from types import SimpleNamespace

from opsbase.kernel.policy import anything, is_membership, kinds, owns, tenant_wide
from opsbase.kernel.roles.constants import RoleKind

LEAVES = [anything, tenant_wide, kinds(RoleKind.USER), owns("owner"), is_membership("assignee")]


def _combinations():
    yield from LEAVES
    for left, right in itertools.product(LEAVES, repeat=2):
        yield left | right
        yield left & right
        yield (left | right) & right
        yield left | (left & right)


def test_keeps_all_agrees_with_an_empty_q_for_every_role_kind():
    for kind in RoleKind.values:
        member = SimpleNamespace(role=SimpleNamespace(kind=kind), user_id=3, pk=5)
        for predicate in _combinations():
            assert predicate.keeps_all(member) == (not predicate.q(member)), (predicate, kind)


def test_a_predicate_of_its_own_answers_from_its_q():
    from django.db.models import Q

    from opsbase.kernel.policy import Predicate

    class Nobody(Predicate):
        def q(self, membership):
            return Q(pk__in=[])

    class Everybody(Predicate):
        def q(self, membership):
            return Q()

    member = SimpleNamespace(role=SimpleNamespace(kind=RoleKind.ADMIN), user_id=1, pk=1)
    assert not Nobody().keeps_all(member)
    assert Everybody().keeps_all(member)
    assert (Nobody() | Everybody()).keeps_all(member)
    assert not (Nobody() & Everybody()).keeps_all(member)
