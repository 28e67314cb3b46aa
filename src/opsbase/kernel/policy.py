"""The one policy API: "may this membership do this (to this object)?".

Each app declares its rules in its ``permissions.py``::

    policy.register(Rule(
        codename="tasks.change_task",
        label=_("Edit tasks"),
        scope=tenant_wide | owns("owner"),
        denial=_("Only the owner or a Manager can edit this task."),
        default_kinds={RoleKind.MANAGER, RoleKind.USER},
    ))

A rule's *scope* is a predicate that yields both an object check (``test``) and a queryset
filter (``q``) from one definition, so a list and a single object always agree. Views, the
API, templates (``{% can %}``) and services all ask through :data:`policy`; services make
the authoritative check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import NotFound, PermissionDenied
from opsbase.kernel.roles.constants import TENANT_WIDE_KINDS, RoleKind


class Predicate:
    """A condition on (membership, object) that can also be written as a ``Q`` filter."""

    def q(self, membership) -> Q:
        raise NotImplementedError

    def test(self, membership, obj) -> bool:
        raise NotImplementedError

    def keeps_all(self, membership) -> bool:
        """True when ``q(membership)`` keeps every row (an empty ``Q``): then the object
        does not matter. Predicates of the kernel answer without building the ``Q``."""
        return not self.q(membership)

    def row_fields(self) -> frozenset[str] | None:
        """The fields of a row this predicate reads: each names a member (a foreign key to
        the user or to the membership). None: it reads something else of the row, or it is
        not known (a predicate of a module's own); caches then treat every row as shown to
        every member."""
        return None

    def member_values(self, membership) -> dict[str, Any] | None:
        """Field by field of ``row_fields()``, the value that makes a row *membership*'s
        (its user's id, or its own id); None when ``row_fields()`` is None."""
        return None

    def __or__(self, other: Predicate) -> Predicate:
        return _Or(self, other)

    def __and__(self, other: Predicate) -> Predicate:
        return _And(self, other)


@dataclass(frozen=True)
class _Pair(Predicate):
    """Two predicates combined: a row is a member's through the fields of either."""

    left: Predicate
    right: Predicate

    def row_fields(self) -> frozenset[str] | None:
        left, right = self.left.row_fields(), self.right.row_fields()
        return None if left is None or right is None else left | right

    def member_values(self, membership) -> dict[str, Any] | None:
        left, right = self.left.member_values(membership), self.right.member_values(membership)
        return None if left is None or right is None else {**left, **right}


@dataclass(frozen=True)
class _Or(_Pair):
    def q(self, membership) -> Q:
        left, right = self.left.q(membership), self.right.q(membership)
        if not left or not right:
            # An empty Q keeps every row, but Django's ``Q() | x`` is just ``x``.
            return Q()
        return left | right

    def test(self, membership, obj) -> bool:
        return self.left.test(membership, obj) or self.right.test(membership, obj)

    def keeps_all(self, membership) -> bool:
        return self.left.keeps_all(membership) or self.right.keeps_all(membership)


@dataclass(frozen=True)
class _And(_Pair):
    def q(self, membership) -> Q:
        return self.left.q(membership) & self.right.q(membership)

    def test(self, membership, obj) -> bool:
        return self.left.test(membership, obj) and self.right.test(membership, obj)

    def keeps_all(self, membership) -> bool:
        return self.left.keeps_all(membership) and self.right.keeps_all(membership)


_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class _Kinds(Predicate):
    kinds: frozenset[str]

    def q(self, membership) -> Q:
        return Q() if membership.role.kind in self.kinds else _NOTHING

    def test(self, membership, obj) -> bool:
        return membership.role.kind in self.kinds

    def keeps_all(self, membership) -> bool:
        return membership.role.kind in self.kinds

    def row_fields(self) -> frozenset[str] | None:
        return frozenset()

    def member_values(self, membership) -> dict[str, Any] | None:
        return {}


@dataclass(frozen=True)
class _FieldIsUser(Predicate):
    """``obj.<field>`` is the membership's user (``field`` is a foreign key to the user)."""

    field: str

    def q(self, membership) -> Q:
        return Q(**{f"{self.field}_id": membership.user_id})

    def test(self, membership, obj) -> bool:
        return getattr(obj, f"{self.field}_id") == membership.user_id

    def keeps_all(self, membership) -> bool:
        return False

    def row_fields(self) -> frozenset[str] | None:
        return frozenset({self.field})

    def member_values(self, membership) -> dict[str, Any] | None:
        return {self.field: membership.user_id}


@dataclass(frozen=True)
class _FieldIsMembership(Predicate):
    field: str

    def q(self, membership) -> Q:
        return Q(**{f"{self.field}_id": membership.pk})

    def test(self, membership, obj) -> bool:
        return getattr(obj, f"{self.field}_id") == membership.pk

    def keeps_all(self, membership) -> bool:
        return False

    def row_fields(self) -> frozenset[str] | None:
        return frozenset({self.field})

    def member_values(self, membership) -> dict[str, Any] | None:
        return {self.field: membership.pk}


@dataclass(frozen=True)
class _Anything(Predicate):
    def q(self, membership) -> Q:
        return Q()

    def test(self, membership, obj) -> bool:
        return True

    def keeps_all(self, membership) -> bool:
        return True

    def row_fields(self) -> frozenset[str] | None:
        return frozenset()

    def member_values(self, membership) -> dict[str, Any] | None:
        return {}


anything: Predicate = _Anything()
tenant_wide: Predicate = _Kinds(frozenset(TENANT_WIDE_KINDS))


def kinds(*names: str) -> Predicate:
    """The membership's built-in role kind is one of *names*."""
    return _Kinds(frozenset(names))


def owns(field: str) -> Predicate:
    """The object's *field* (a foreign key to the user model) is the acting user."""
    return _FieldIsUser(field)


def is_membership(field: str) -> Predicate:
    """The object's *field* (a foreign key to Membership) is the acting membership."""
    return _FieldIsMembership(field)


@dataclass(frozen=True)
class Rule:
    codename: str
    label: Any
    denial: Any
    scope: Predicate = anything
    default_kinds: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if "." not in self.codename:
            raise ValueError(f"Codename {self.codename!r} must read '<app>.<action>'.")
        object.__setattr__(self, "default_kinds", frozenset(self.default_kinds))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    not_found: bool = False

    def __bool__(self) -> bool:
        return self.allowed


class Policy:
    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}
        self._templates: dict[str, dict[str, Any]] = {}
        self._template_grants: dict[str, list[str]] = {}

    # -- declaring ---------------------------------------------------------------------------
    def register(self, rule: Rule) -> Rule:
        existing = self._rules.get(rule.codename)
        if existing is not None and existing != rule:
            raise ValueError(f"Rule {rule.codename!r} is registered twice with different terms.")
        self._rules[rule.codename] = rule
        return rule

    def register_template(
        self, slug: str, *, name: Any, description: Any, permissions: Iterable[str]
    ) -> None:
        """A role template: a suggested custom role that tenant Admins can create in one step."""
        self._templates[slug] = {
            "slug": slug,
            "name": name,
            "description": description,
            "permissions": tuple(permissions),
        }

    def template_grant(self, slug: str, codenames: Iterable[str]) -> None:
        """Add *codenames* to the role template *slug* (a module grants its own codenames to
        the templates the kernel declares, from its ``ModuleConfig.role_templates``)."""
        granted = self._template_grants.setdefault(slug, [])
        granted.extend(c for c in codenames if c not in granted)

    def rule(self, codename: str) -> Rule:
        try:
            return self._rules[codename]
        except KeyError:
            raise LookupError(f"No policy rule is registered for {codename!r}.") from None

    def rules(self) -> list[Rule]:
        return sorted(self._rules.values(), key=lambda r: r.codename)

    def codenames(self) -> list[str]:
        return sorted(self._rules)

    def templates(self) -> list[dict[str, Any]]:
        """Role templates with what the kernel and the installed modules grant them (codenames
        no rule is registered for are left out)."""
        return [
            {
                **t,
                "permissions": [
                    c
                    for c in dict.fromkeys(
                        [*t["permissions"], *self._template_grants.get(t["slug"], ())]
                    )
                    if c in self._rules
                ],
            }
            for t in self._templates.values()
        ]

    def template_grants_unknown(self) -> list[str]:
        """Template slugs a module grants codenames to that no template is registered for."""
        return sorted(set(self._template_grants) - set(self._templates))

    def default_permissions(self, kind: str) -> list[str]:
        """The codenames a built-in role of *kind* gets from the defaults command."""
        if kind == RoleKind.ADMIN:
            return self.codenames()
        return sorted(c for c, r in self._rules.items() if kind in r.default_kinds)

    # -- asking ------------------------------------------------------------------------------
    def decide(self, membership, codename: str, obj=None) -> Decision:
        rule = self.rule(codename)
        if membership is None or not membership.is_active:
            return Decision(False, str(_("You are not a member of this organization.")))
        if (
            obj is not None
            and getattr(obj, "tenant_id", membership.tenant_id) != membership.tenant_id
        ):
            # Another tenant's object does not exist for this membership.
            return Decision(False, str(_("Not found.")), not_found=True)
        if not membership.role.grants(codename):
            return Decision(False, str(rule.denial))
        if obj is not None and not rule.scope.test(membership, obj):
            return Decision(False, str(rule.denial))
        return Decision(True)

    def can(self, membership, codename: str, obj=None) -> bool:
        return self.decide(membership, codename, obj).allowed

    def decide_for_all(self, membership, codename: str) -> Decision | None:
        """The decision ``decide`` gives on *every* object of *membership*'s tenant, when it
        does not depend on the object (the role lacks the codename, or the rule's scope keeps
        every row for this member); None when it does. A list asks once, not once a row."""
        rule = self.rule(codename)
        if membership is None or not membership.is_active:
            return Decision(False, str(_("You are not a member of this organization.")))
        if not membership.role.grants(codename):
            return Decision(False, str(rule.denial))
        if rule.scope.keeps_all(membership):
            return Decision(True)
        return None

    def require(self, membership, codename: str, obj=None) -> None:
        """Raise ``PermissionDenied`` (with the reason) or ``NotFound`` unless allowed."""
        decision = self.decide(membership, codename, obj)
        if decision.not_found:
            raise NotFound()
        if not decision.allowed:
            raise PermissionDenied(decision.reason, extra={"codename": codename})

    def scope(self, membership, codename: str, queryset: QuerySet) -> QuerySet:
        """*queryset* narrowed to the rows *membership* may act on with *codename*."""
        queryset = queryset.filter(tenant_id=membership.tenant_id)
        if not membership.is_active or not membership.role.grants(codename):
            return queryset.none()
        scope = self.rule(codename).scope
        if scope.keeps_all(membership):
            return queryset  # filtering by an empty Q would only copy the query
        return queryset.filter(scope.q(membership))

    def allowed_codenames(self, membership) -> set[str]:
        return {c for c in self._rules if membership.role.grants(c)}


policy = Policy()


def register(**kwargs: Any) -> Rule:
    """Shorthand for ``policy.register(Rule(...))``."""
    return policy.register(Rule(**kwargs))


def require_superuser(user: Any) -> None:
    """Raise ``PermissionDenied`` unless *user* is an active superuser: the only one who may
    change accounts and organizations from outside them (the Django admin's services)."""
    if not (
        user is not None
        and getattr(user, "is_active", False)
        and getattr(user, "is_superuser", False)
    ):
        raise PermissionDenied(_("Only a superuser can change this from the admin."))
