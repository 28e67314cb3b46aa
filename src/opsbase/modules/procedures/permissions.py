"""Who may do what with procedures. Procedures are the organization's documents: every rule
reaches every version of it, except approval, which a version's own author may never give
(separation of duties, decided here and nowhere else)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import Predicate, register
from opsbase.kernel.roles.constants import RoleKind

from .constants import ACKNOWLEDGE, ADD, APPROVE, CHANGE, DELETE, VIEW

if TYPE_CHECKING:
    from opsbase.kernel.tenants.models import Membership


@dataclass(frozen=True)
class _NotWrittenBy(Predicate):
    """The object's *field* (a foreign key to Membership) is not the acting membership."""

    field: str

    def q(self, membership: Membership) -> Q:
        return ~Q(**{f"{self.field}_id": membership.pk})

    def test(self, membership: Membership, obj: object) -> bool:
        return getattr(obj, f"{self.field}_id") != membership.pk


not_the_author = _NotWrittenBy("author")

register(
    codename=VIEW,
    label=_("See procedures"),
    denial=_("You cannot see procedures."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=ADD,
    label=_("Write procedures and new versions of them"),
    denial=_("Only a Manager can write procedures."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=CHANGE,
    label=_("Edit draft procedures, submit them for review, withdraw approved ones"),
    denial=_("Only a Manager can change this procedure."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=APPROVE,
    label=_("Approve procedures written by someone else"),
    scope=not_the_author,
    denial=_("A procedure is approved by someone other than its author."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=ACKNOWLEDGE,
    label=_("Acknowledge having read a procedure"),
    denial=_("You cannot acknowledge procedures."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=DELETE,
    label=_("Delete draft procedures"),
    denial=_("Only a Manager can delete a procedure."),
    default_kinds={RoleKind.MANAGER},
)
