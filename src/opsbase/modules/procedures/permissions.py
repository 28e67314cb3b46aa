"""Who may do what with procedures. Procedures are the organization's documents: every rule
reaches every version of it, except approval, which a version's own author may never give
(separation of duties, decided here and nowhere else)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.registration import not_membership

from .constants import ACKNOWLEDGE, ADD, APPROVE, CHANGE, DELETE, VIEW

not_the_author = not_membership("author")

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
