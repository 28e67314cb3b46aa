"""Helpers of the modules' demo data (``ModuleConfig.demo_seed``): the demo organization's
members by role, and sample people and companies to spread over records."""

from __future__ import annotations

from typing import Any

DEMO_PEOPLE = (
    "Ada Park",
    "Ben Ortiz",
    "Chloé Martin",
    "Dev Patel",
    "Emma Stone",
    "Farid Haddad",
    "Grace Lee",
    "Hugo Weber",
    "Ines Costa",
    "Jonas Berg",
)
DEMO_COMPANIES = (
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark Industries",
    "Wayne Enterprises",
    "Soylent",
    "Cyberdyne",
)


def demo_members(tenant: Any) -> dict[str, Any]:
    """The demo accounts' memberships of *tenant* (``<kind>@<slug>.test``) by role kind."""
    from opsbase.kernel.tenants.models import Membership

    return {
        m.role.kind: m
        for m in Membership.objects.for_tenant(tenant).select_related("role", "user")
        if m.user.email.endswith(f"@{tenant.slug}.test")
    }


def demo_person(n: int) -> str:
    """The *n*-th sample person: the names in turn, numbered from their second round on
    ("Ada Park", …, "Jonas Berg", "Ada Park 2", …)."""
    name = DEMO_PEOPLE[n % len(DEMO_PEOPLE)]
    return name if n < len(DEMO_PEOPLE) else f"{name} {n // len(DEMO_PEOPLE) + 1}"


def demo_company(n: int) -> str:
    """The *n*-th sample company, the companies in turn."""
    return DEMO_COMPANIES[n % len(DEMO_COMPANIES)]
