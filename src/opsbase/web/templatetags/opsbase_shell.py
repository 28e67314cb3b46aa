"""Tags of the page shell: its links (kept per URLconf), optional links, the sidebar's
sections and message styling."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

from opsbase.core.text import text_of
from opsbase.web.urlcache import reverse_cached

register = template.Library()

# Django message levels to Bootstrap alert variants.
ALERT_CLASSES = {
    "debug": "secondary",
    "info": "info",
    "success": "success",
    "warning": "warning",
    "error": "danger",
}


@register.simple_tag
def route(name: str) -> str:
    """``{% route "app:name" %}``: ``{% url %}`` for a route without arguments, worked out
    once (``reverse_cached``); a missing route raises ``NoReverseMatch`` as ``{% url %}``."""
    return reverse_cached(name)


@register.simple_tag
def url_or_none(name: str, *args, **kwargs) -> str | None:
    """``{% url_or_none "app:name" as u %}``: the URL, or None when no such route is installed.

    For links to optional modules; a template shows the link only ``{% if u %}``, so a page
    never fails (or links nowhere) because a module is not part of the project.
    """
    try:
        if not args and not kwargs:
            return reverse_cached(name)
        return reverse(name, args=args, kwargs=kwargs)
    except NoReverseMatch:
        return None


@register.filter
def alert_class(message) -> str:
    """The Bootstrap alert variant of a Django message (``error`` is ``danger``)."""
    return ALERT_CLASSES.get(getattr(message, "level_tag", ""), "info")


@register.simple_tag
def sidebar_sections(sections: Iterable[Mapping[str, Any]]) -> SafeString:
    """``{% sidebar_sections nav_sections %}``: each section's heading and its entries' links,
    the current page's marked, as markup. Every page shows them: built as text, not as a
    template loop of some sixty nodes. A project's own ``sidebar.html`` may loop over
    ``nav_sections`` itself."""

    def escape(text: Any) -> str:
        return html.escape(text_of(text))

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
