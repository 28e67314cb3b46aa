"""Tags of the page shell: its links (kept per URLconf), optional links and message styling."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

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
