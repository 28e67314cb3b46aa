"""Reads of rigs and wells: the row specifications every list, API answer and CSV uses, and
the customers a site may name."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import Amount, DateTime, Number, RowSpec, Text
from opsbase.modules.customers.models import Customer

from .models import Rig, Well

RELATED = ("customer",)


def _site_columns(*extra):
    return [
        Number("id", table=False, detail=False),
        Text("name", link=True, detail=False),
        Number("customer", source="customer_id", table=False, detail=False, csv=False),
        Text("customer_name", _("Customer"), source="customer__name"),
        Text("location"),
        *extra,
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ]


_SORTS = {"name": "name", "customer": "customer__name", "created_at": "created_at"}

RIG_ROWS = RowSpec(
    Rig,
    columns=_site_columns(
        Amount("latitude", table=False, hide_empty=True),
        Amount("longitude", table=False, hide_empty=True),
    ),
    sorts=_SORTS,
    default_sort="name",
)

WELL_ROWS = RowSpec(
    Well,
    columns=_site_columns(
        Text("field"),
        Amount("depth_m", table_label=_("Depth (m)")),
    ),
    sorts={**_SORTS, "field": "field", "depth_m": "depth_m"},
    default_sort="name",
)


def customer_choices(*, membership: Membership) -> QuerySet[Customer]:
    """The customers of *membership*'s organization a rig or well may belong to, by name."""
    return Customer.objects.for_tenant(membership.tenant_id).order_by("name", "pk")


def rig_choices(*, membership: Membership) -> QuerySet[Rig]:
    """The rigs of *membership*'s organization, by name (a drill bit's rig)."""
    return Rig.objects.for_tenant(membership.tenant_id).order_by("name", "pk")


def well_choices(*, membership: Membership) -> QuerySet[Well]:
    """The wells of *membership*'s organization, by name (a drill bit's well, a run's)."""
    return Well.objects.for_tenant(membership.tenant_id).order_by("name", "pk")
