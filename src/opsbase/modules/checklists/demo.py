"""The demo's form templates: an incoming drill-bit inspection, a work order's final QC and
a goods-in check, each published once (version 1), per organization."""

from __future__ import annotations

from typing import Any

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership

from .models import FormTemplate
from .services import formtemplate_create, formtemplate_publish

BIT_INSPECTION = {
    "name": "Drill bit inspection",
    "description": "Incoming and after-repair check of a PDC or roller-cone bit.",
    "fields": [
        {"key": "visual", "type": "pass_fail", "label": "Visual condition", "required": True},
        {
            "key": "gauge_od",
            "type": "number",
            "label": "Gauge OD",
            "required": True,
            "unit": "in",
            "min": "8.480",
            "max": "8.520",
        },
        {
            "key": "cutters",
            "type": "choice",
            "label": "Cutter wear",
            "required": True,
            "choices": ["None", "Light", "Heavy"],
        },
        {
            "key": "cutter_notes",
            "type": "text",
            "label": "Which cutters, and how",
            "required": True,
            "show_if": {"field": "cutters", "equals": "Heavy"},
        },
        {"key": "photo", "type": "photo", "label": "Photo of the face"},
        {"key": "signature", "type": "signature", "label": "Inspector's signature"},
    ],
}
FINAL_QC = {
    "name": "Work order final QC",
    "description": "Before a repair or rebuild order is completed.",
    "fields": [
        {"key": "thread", "type": "pass_fail", "label": "Pin thread gauged", "required": True},
        {
            "key": "torque",
            "type": "number",
            "label": "Make-up torque",
            "required": True,
            "unit": "kN·m",
            "min": "20",
            "max": "27",
        },
        {"key": "date", "type": "date", "label": "Date of test"},
        {"key": "signature", "type": "signature", "label": "Inspector's signature"},
    ],
}
GOODS_IN = {
    "name": "Goods-in check",
    "description": "Received stock: packaging, quantity and certificates.",
    "fields": [
        {"key": "packaging", "type": "pass_fail", "label": "Packaging intact", "required": True},
        {
            "key": "certificate",
            "type": "pass_fail",
            "label": "Certificate present",
            "required": True,
        },
        {"key": "notes", "type": "text", "label": "Notes"},
    ],
}
DEMO_TEMPLATES: tuple[dict[str, Any], ...] = (BIT_INSPECTION, FINAL_QC, GOODS_IN)


def demo_checklists_seed(*, tenant) -> None:
    """Three published templates in *tenant* (only when it has none)."""
    if FormTemplate.objects.for_tenant(tenant).exists():
        return
    manager = (
        Membership.objects.for_tenant(tenant)
        .filter(role__kind=RoleKind.MANAGER, user__email__endswith=f"@{tenant.slug}.test")
        .select_related("user")
        .first()
    )
    if manager is None:
        return
    for spec in DEMO_TEMPLATES:
        template = formtemplate_create(membership=manager, **spec)
        formtemplate_publish(membership=manager, formtemplate=template)
