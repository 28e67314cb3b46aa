"""Tags of the page shell: its links (kept per URLconf), optional links, the sidebar's
sections and message styling."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy

from opsbase.core.text import text_of
from opsbase.web import navigation
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
    the current page's marked, as markup (``navigation.sections_html``). A project's own
    ``sidebar.html`` may loop over ``nav_sections`` itself."""
    return navigation.sections_html(sections)


@register.simple_tag(takes_context=True)
def sidebar_entries(context: Any) -> SafeString:
    """``{% sidebar_entries %}``: the request's sidebar as ``sidebar_sections`` shows it,
    kept per what the member's role grants, the language and the current entry
    (``navigation.sidebar_html``): every page shows it, and members of one role share it."""
    request = context.get("request")
    membership = getattr(request, "membership", None) or context.get("membership")
    if membership is None:
        return SafeString("")
    return navigation.sidebar_html(membership, getattr(request, "path", None))


def _csrf_input(context: Any) -> str:
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's "no token" marker
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{html.escape(str(token))}">'


@register.simple_tag(takes_context=True)
def tenant_switcher_items(context: Any, memberships: Iterable[Any], switch_url: Any) -> SafeString:
    """``{% tenant_switcher_items tenant_memberships switch_url %}``: the switcher's entry for
    each of the user's organizations (a form that switches to it, the current one marked),
    as markup: every page shows them. A project's own ``tenant_switcher.html`` may loop over
    ``tenant_memberships`` itself."""
    current = context.get("membership")
    current_pk = getattr(current, "pk", None) if current else None
    if switch_url:
        request = context.get("request")
        shown_next = context.get("shell_next") or (request.get_full_path() if request else "")
        csrf = _csrf_input(context)
        form = (
            f'<form method="post" action="{html.escape(str(switch_url))}">{csrf}'
            '<input type="hidden" name="tenant" value="{tenant}">'
            f'<input type="hidden" name="next" value="{html.escape(str(shown_next))}">'
        )
    parts = []
    for m in memberships:
        name = html.escape(str(m.tenant.name))
        if not switch_url:
            parts.append(f'<li><span class="dropdown-item-text">{name}</span></li>')
            continue
        active = current_pk is not None and m.pk == current_pk
        css, mark, check = (
            (" active", ' aria-current="true"', '<i class="bi bi-check2" aria-hidden="true"></i>')
            if active
            else ("", "", "")
        )
        parts.append(
            "<li>"
            + form.replace("{tenant}", html.escape(str(m.tenant_id)))
            + '<button type="submit" class="dropdown-item d-flex justify-content-between '
            f'align-items-center gap-3{css}"{mark}><span>{name} <small class="opacity-75">· '
            f"{html.escape(str(m.role.name))}</small></span>{check}</button></form></li>"
        )
    return SafeString("".join(parts))


#: The account menu's links: (route, icon, words, only with a membership).
_ACCOUNT_LINKS = (
    ("accounts:profile", "person", gettext_lazy("Profile"), False),
    ("accounts:password_change", "key", gettext_lazy("Change password"), False),
    ("api:token_list", "braces-asterisk", gettext_lazy("API tokens"), True),
)
_SIGN_OUT = gettext_lazy("Sign out")


@register.simple_tag(takes_context=True)
def user_menu_items(context: Any) -> SafeString:
    """``{% user_menu_items %}``: the account menu's entries (the user's name, their pages,
    signing out), as markup: every page shows them. Links to routes the project does not
    include are left out."""
    user = context.get("user")
    parts = [
        '<li><h6 class="dropdown-header text-truncate">'
        f"{html.escape(str(user.get_username()) if user is not None else '')}</h6></li>"
    ]
    membership = context.get("membership")
    language = get_language()
    for route_name, icon, words, needs_membership in _ACCOUNT_LINKS:
        url = url_or_none(route_name)
        if url is None or (needs_membership and not membership):
            continue
        parts.append(
            f'<li><a class="dropdown-item" href="{html.escape(url)}"><i class="bi bi-{icon} '
            f'me-2" aria-hidden="true"></i>{html.escape(text_of(words, language))}</a></li>'
        )
    logout_url = url_or_none("accounts:logout")
    if logout_url is not None:
        sign_out = html.escape(text_of(_SIGN_OUT, language))
        parts.append(
            '<li><hr class="dropdown-divider"></li><li>'
            f'<form method="post" action="{html.escape(logout_url)}">{_csrf_input(context)}'
            '<button type="submit" class="dropdown-item"><i class="bi bi-box-arrow-right me-2" '
            f'aria-hidden="true"></i>{sign_out}</button></form></li>'
        )
    return SafeString("".join(parts))
