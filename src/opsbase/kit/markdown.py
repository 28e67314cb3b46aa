"""Markdown written by members, rendered for a page safely.

Raw HTML in the text is not passed through (the parser escapes it), and the HTML the parser
makes is sanitized again (nh3, the Ammonia sanitizer): only formatting tags survive, links keep
``http``, ``https`` and ``mailto`` targets and open with ``rel="noopener noreferrer"``, images
are not loaded from anywhere (no outside request from a page, CSP ``img-src 'self'``)."""

from __future__ import annotations

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

__all__ = ["render_markdown"]

_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> SafeString:
    """*text* (Markdown) as HTML that is safe to put in a page as it is."""
    html = _parser().render(text or "")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
    )
    return mark_safe(clean)  # noqa: S308 - sanitized just above
