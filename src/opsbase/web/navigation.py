"""The sidebar, built from what installed apps register (``navigation.register`` in ``ready``).

An app adds its entries from its ``AppConfig.ready``::

    from opsbase.web import navigation

    navigation.register(navigation.NavItem(
        label=_("Tasks"), url_name="tasks:task_list", icon="check2-square",
        codename="tasks.view_task", order=20,
    ))

Entries whose URL name does not resolve (the app's URLs are not included) or whose codename
the membership's role does not grant are left out, so the sidebar never links to a page that
answers 403 or 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


@dataclass(frozen=True)
class NavItem:
    label: _StrOrPromise  # usually a lazy translation
    url_name: str
    icon: str = "circle"  # a Bootstrap Icons name, without the "bi-" prefix
    codename: str | None = None  # shown only to memberships the policy allows
    section: str = "main"  # "main" (modules) or "organization" (settings of the tenant)
    order: int = 100


# Sections in the order the sidebar shows them, with their headings. Entries of a section that
# is not listed here come after these, under their section name.
SECTIONS: dict[str, object] = {
    "main": _("Modules"),
    "organization": _("Organization"),
}

_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    """Add *item* to the sidebar (registering the same URL name again replaces the entry)."""
    _items[item.url_name] = item


def unregister(url_name: str) -> None:
    """Remove the entry for *url_name*, if any (for tests and projects that hide a module)."""
    _items.pop(url_name, None)


def registered() -> list[NavItem]:
    return list(_items.values())


def _section_rank(section: str) -> tuple[int, str]:
    keys = list(SECTIONS)
    return (keys.index(section), "") if section in SECTIONS else (len(keys), section)


def items_for(membership) -> list[dict]:
    """Entries visible to *membership*, each with its resolved URL, grouped by section order."""
    from opsbase.kernel.policy import policy

    visible = []
    ordered = sorted(
        _items.values(), key=lambda i: (_section_rank(i.section), i.order, str(i.label))
    )
    for item in ordered:
        if item.codename and not policy.can(membership, item.codename):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append({"item": item, "url": url})
    return visible


def _is_active(url: str, path: str | None) -> bool:
    if not path:
        return False
    if url == "/":
        return path == "/"
    return path == url or (url.endswith("/") and path.startswith(url))


def sections_for(membership, path: str | None = None) -> list[dict]:
    """Visible entries grouped as ``[{"key", "label", "entries": [{"item", "url", "active"}]}]``.

    The entry whose URL is the longest prefix of *path* is the active one, so a detail page
    under ``/org/members/3/`` highlights "Members" and the dashboard at ``/`` only itself.
    """
    entries = [dict(entry, active=False) for entry in items_for(membership)]
    matching = [e for e in entries if _is_active(e["url"], path)]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    sections: list[dict] = []
    for entry in entries:
        key = entry["item"].section
        if not sections or sections[-1]["key"] != key:
            label = SECTIONS.get(key, key.replace("_", " ").capitalize())
            sections.append({"key": key, "label": label, "entries": []})
        sections[-1]["entries"].append(entry)
    return sections
