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

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from opsbase.core.text import text_of

from .urlcache import reverse_cached

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
    "main": _("Overview"),
    "organization": _("Organization"),
}

_items: dict[str, NavItem] = {}
# A section per module (its entries under its name), shown between "main" and the sections
# after it, in the order of their first entries.
_module_sections: dict[str, object] = {}
# The entries in the sidebar's order, per language (labels break ties): worked out once, not
# on every page, and forgotten whenever an entry or a section is registered or removed.
_ordered: dict[str | None, list[NavItem]] = {}


def _forget() -> None:
    _ordered.clear()
    _kept.clear()


def register(item: NavItem) -> None:
    """Add *item* to the sidebar (registering the same URL name again replaces the entry)."""
    _items[item.url_name] = item
    _forget()


def register_section(key: str, label: object) -> None:
    """A section of the sidebar for one module's entries, headed *label*."""
    _module_sections[key] = label
    _forget()


def unregister(url_name: str) -> None:
    """Remove the entry for *url_name*, if any (for tests and projects that hide a module)."""
    _items.pop(url_name, None)
    _forget()


def registered() -> list[NavItem]:
    return list(_items.values())


def _section_rank(section: str, first: dict[str, int]) -> tuple[int, int, str]:
    keys = list(SECTIONS)
    if section in _module_sections:
        return (1, first[section], section)
    if section in SECTIONS:
        position = keys.index(section)
        return (0 if position == 0 else position + 1, 0, "")
    return (len(keys) + 1, 0, section)


def _in_order() -> list[NavItem]:
    language = translation.get_language()
    ordered = _ordered.get(language)
    if ordered is None:
        first: dict[str, int] = {}
        for item in _items.values():
            first[item.section] = min(first.get(item.section, item.order), item.order)
        ordered = _ordered[language] = sorted(
            _items.values(),
            key=lambda i: (_section_rank(i.section, first), i.order, str(i.label)),
        )
    return ordered


def items_for(membership) -> list[dict]:
    """Entries visible to *membership*, each with its resolved URL, grouped by section order."""
    from opsbase.kernel.policy import policy

    visible = []
    for item in _in_order():
        if item.codename and not policy.can(membership, item.codename):
            continue
        try:
            url = reverse_cached(item.url_name)
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
            # ``is None``, not ``or``: the truth of a lazy label translates it.
            label = SECTIONS.get(key)
            if label is None:
                label = _module_sections.get(key)
            if label is None:
                label = key.replace("_", " ").capitalize()
            sections.append({"key": key, "label": label, "entries": []})
        sections[-1]["entries"].append(entry)
    return sections


def sections_html(sections: Iterable[Mapping[str, Any]]) -> SafeString:
    """*sections* (``sections_for``) as the sidebar's markup: each section's heading and its
    entries' links, the current page's marked. Built as text, not as a template loop of some
    sixty nodes."""
    language = translation.get_language()

    def escape(text: Any) -> str:
        return html.escape(text_of(text, language))

    parts = []
    for section in sections:
        parts.append(
            '<h2 class="opsbase-sidebar-heading px-3 mt-3 mb-1 text-body-secondary '
            f'text-uppercase">{escape(section["label"])}</h2>'
            '<ul class="nav nav-pills flex-column px-2 gap-1">'
        )
        for entry in section["entries"]:
            item = entry["item"]
            css, current = (
                (" active", ' aria-current="page"')
                if entry["active"]
                else (" link-body-emphasis", "")
            )
            parts.append(
                '<li class="nav-item"><a class="nav-link d-flex align-items-center gap-2'
                f'{css}" href="{escape(entry["url"])}"{current}><i class="bi bi-'
                f'{escape(item.icon)}" aria-hidden="true"></i>{escape(item.label)}</a></li>'
            )
        parts.append("</ul>")
    return SafeString("".join(parts))


#: The sidebar's markup (and the URLs of its entries) per what a role grants, the language,
#: the URLconf and the current entry: ``sections_for`` asks the policy about each entry, and
#: the answers follow from the role's grants alone (``Role.grants_key``), so members of one
#: role share them. Bounded; forgotten when an entry or section is registered or removed.
_kept: dict[tuple[Any, ...], Any] = {}
_KEPT_AT_MOST = 512


def sidebar_html(membership, path: str | None) -> SafeString:
    """The sidebar of *membership* on the page at *path*: ``sections_html(sections_for(...))``,
    kept (see ``_kept``)."""
    if membership is None or not membership.is_active:
        return SafeString("")
    base = (
        membership.role.grants_key(),
        translation.get_language(),
        id(get_resolver(get_urlconf())),
        get_script_prefix(),
    )
    urls = _kept.get(base)
    if urls is None:
        urls = _remember(base, tuple(entry["url"] for entry in items_for(membership)))
    matching = [url for url in urls if _is_active(url, path)]
    active = max(matching, key=len) if matching else None
    key = (*base, active)
    found = _kept.get(key)
    if found is None:
        found = _remember(key, sections_html(sections_for(membership, path)))
    return found


def _remember(key: tuple[Any, ...], value: Any) -> Any:
    if len(_kept) >= _KEPT_AT_MOST:
        _kept.clear()
    _kept[key] = value
    return value


def _forget_on(setting: str, **kwargs: Any) -> None:
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _kept.clear()


setting_changed.connect(_forget_on, dispatch_uid="opsbase_web_navigation")
