"""Reads of roles, always limited to the acting membership's tenant."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Count, QuerySet

from opsbase.core.exceptions import NotFound
from opsbase.kernel.policy import policy

from .models import Role

if TYPE_CHECKING:
    from opsbase.kernel.tenants.models import Membership

MANAGE_ROLES = "roles.manage_roles"


def role_list(*, membership: Membership) -> QuerySet[Role]:
    """Roles the membership may manage, each with ``member_count`` (empty without the right)."""
    queryset = Role.objects.for_tenant(membership.tenant_id).annotate(
        member_count=Count("memberships", distinct=True)
    )
    return policy.scope(membership, MANAGE_ROLES, queryset).order_by("-is_builtin", "name")


def role_options(*, membership: Membership) -> QuerySet[Role]:
    """Every role of the membership's tenant, for choosing a member's or invitee's role."""
    return Role.objects.for_tenant(membership.tenant_id).order_by("-is_builtin", "name")


def role_builtin(*, membership: Membership, kind: str) -> Role | None:
    """The built-in role of *kind* in the membership's tenant."""
    return Role.objects.for_tenant(membership.tenant_id).filter(kind=kind, is_builtin=True).first()


def role_get_for(*, membership: Membership, pk: int | str) -> Role:
    """The role *pk* of the membership's tenant; ``NotFound`` for any other tenant's."""
    role = (
        Role.objects.for_tenant(membership.tenant_id)
        .annotate(member_count=Count("memberships", distinct=True))
        .filter(pk=pk)
        .first()
    )
    if role is None:
        raise NotFound()
    return role


def role_template_list() -> list[dict[str, Any]]:
    """Role templates with their installed codenames, each with ``permission_labels``."""
    labels = {r.codename: str(r.label) for r in policy.rules()}
    return [
        {**t, "permission_labels": [labels[c] for c in t["permissions"]]}
        for t in policy.templates()
    ]


def role_template_get(*, slug: str) -> dict[str, Any]:
    for template in role_template_list():
        if template["slug"] == slug:
            return template
    raise NotFound()


def permission_groups(*, package: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """Codenames grouped by the app that declares them: ``[(app name, [(codename, label)])]``;
    with *package*, only those of apps inside it (``"opsbase"``: what the library ships)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for rule in policy.rules():
        app_label = rule.codename.split(".", 1)[0]
        groups.setdefault(app_label, []).append((rule.codename, str(rule.label)))
    named = []
    for app_label, entries in groups.items():
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            config = None
        if package and (config is None or not config.name.startswith(f"{package}.")):
            continue
        title = config.verbose_name if config else app_label.replace("_", " ").capitalize()
        named.append((str(title), entries))
    return sorted(named, key=lambda g: g[0].lower())


MATRIX_START = "<!-- permission-matrix:start -->"
MATRIX_END = "<!-- permission-matrix:end -->"


def permission_matrix_markdown(*, package: str = "") -> str:
    """The permission matrix of the installed apps (with *package*, of those inside it) as a
    Markdown table: one row per codename (grouped by the app that declares it), one column
    per built-in role (what a new organization's role holds) and per role template; ✓ where
    it holds the codename."""
    from .constants import RoleKind

    kinds = [(RoleKind.ADMIN, "Admin"), (RoleKind.MANAGER, "Manager"), (RoleKind.USER, "User")]
    held = {kind: set(policy.default_permissions(kind)) for kind, _ in kinds}
    templates = policy.templates()
    heads = [name for _, name in kinds] + [str(t["name"]) for t in templates]
    columns = [held[kind] for kind, _ in kinds] + [set(t["permissions"]) for t in templates]
    lines = [
        "| permission | codename | " + " | ".join(heads) + " |",
        "|---|---|" + "---|" * len(heads),
    ]
    for title, entries in permission_groups(package=package):
        lines.append(f"| **{title}** | |" + " |" * len(heads))
        for codename, label in entries:
            marks = " | ".join("✓" if codename in column else "" for column in columns)
            lines.append(f"| {label} | `{codename}` | {marks} |")
    return "\n".join(lines) + "\n"
