"""Helpers of the modules' demo data (``ModuleConfig.demo_seed``): the demo organization's
members by role, sample people and companies to spread over records, the sample contacts
and deals made of them, and records spread over every stage of a pipeline."""

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


def demo_deal(n: int) -> dict[str, Any]:
    """The fields of the *n*-th sample contact and deal (``ContactBase`` and ``DealBase``):
    ``demo_person`` at ``demo_company``, their e-mail and phone, a value, and a follow-up
    from two days ago to four days ahead."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    name, company = demo_person(n), demo_company(n)
    return {
        "name": name,
        "company": company,
        "email": f"contact{n}@{company.split()[0].lower()}.test",
        "phone": f"+1 415 555 {1000 + n:04d}",
        "value": Decimal(1000 + 750 * (n % 9)),
        "follow_up": timezone.localdate() + timedelta(days=n % 7 - 2),
    }


def demo_pipeline_seed(
    *,
    members: dict[str, Any],
    pipeline: Any,
    make: Any,
    move: Any,
    count: int = 40,
    lost: Any = None,
) -> list[Any]:
    """*count* records made by ``make(n, owner)``, owned by the Manager of *members* (every
    third by its User), the n-th moved to *pipeline*'s n-th stage in turn (``move(mover,
    record, stage, lost)``: by the Manager into a final stage, *lost* given into a lost one),
    so that every stage has some."""
    from opsbase.kernel.roles.constants import RoleKind

    manager, user = members[RoleKind.MANAGER], members.get(RoleKind.USER)
    stages = list(pipeline.stages.order_by("position"))
    records = []
    for n in range(count):
        owner = user if (user and n % 3 == 0) else manager
        records.append(record := make(n, owner))
        target = stages[n % len(stages)]
        if target.position:
            mover = manager if target.is_final else owner
            move(mover, record, target, lost if target.kind == "lost" else None)
    return records
