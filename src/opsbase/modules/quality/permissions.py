"""Who may do what with NCRs. Quality records are the organization's: every rule reaches
every NCR of it, except signing off, which the NCR's own raiser may never do (separation of
duties, decided here and nowhere else)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.registration import not_membership

from .constants import (
    ADD,
    ADD_INSPECTION,
    APPROVE_CONCESSION,
    CHANGE,
    CHANGE_INSPECTION,
    DELETE,
    DELETE_INSPECTION,
    DISPOSITION,
    SIGN_OFF,
    VIEW,
    VIEW_INSPECTION,
)

not_the_raiser = not_membership("raised_by")

register(
    codename=VIEW,
    label=_("See non-conformance reports"),
    denial=_("You cannot see non-conformance reports."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=ADD,
    label=_("Raise non-conformance reports"),
    denial=_("You cannot raise non-conformance reports."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=CHANGE,
    label=_("Investigate NCRs: edit, root cause, move to disposition, cancel"),
    denial=_("Only a Manager or a QC Inspector can investigate this NCR."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=DISPOSITION,
    label=_("Record dispositions of NCRs (rework, repair, scrap, return, use as is)"),
    denial=_("Only a Manager or a QC Inspector can decide the disposition of this NCR."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=SIGN_OFF,
    label=_("Sign off and close NCRs raised by someone else"),
    scope=not_the_raiser,
    denial=_("An NCR is signed off by a QC Inspector other than the person who raised it."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=APPROVE_CONCESSION,
    label=_("Approve concessions (use as is)"),
    denial=_("Only a concession approver can accept non-conforming product as it is."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=DELETE,
    label=_("Delete NCRs raised by mistake (while still open)"),
    denial=_("Only an Admin can delete an NCR."),
)

register(
    codename=VIEW_INSPECTION,
    label=_("See inspections"),
    denial=_("You cannot see inspections."),
    default_kinds={RoleKind.MANAGER, RoleKind.USER},
)
register(
    codename=ADD_INSPECTION,
    label=_("Inspect drill bits, work orders and received stock"),
    denial=_("Only a Manager or a QC Inspector can record an inspection."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=CHANGE_INSPECTION,
    label=_("Add notes to inspections"),
    denial=_("Only a Manager or a QC Inspector can change an inspection."),
    default_kinds={RoleKind.MANAGER},
)
register(
    codename=DELETE_INSPECTION,
    label=_("Delete inspections recorded by mistake (no NCR raised from them)"),
    denial=_("Only an Admin can delete an inspection."),
)
