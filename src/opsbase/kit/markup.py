"""Django's ``escape``, ``conditional_escape``, ``format_html`` and ``mark_safe``, without the
lazy-text wrapper each of them goes through (``keep_lazy``): a list page calls them a few
hundred times an answer (its rows, its filters' options). Same output, character for
character; lazy text is turned into text first, as Django's versions do (a lazy
translation once per language: ``opsbase.core.text``). A whole number needs
no escaping (its digits are the text), so it skips the replacing.
"""

from __future__ import annotations

import html
from typing import Any

from django.utils.safestring import SafeString

from opsbase.core.text import text_of

__all__ = ["conditional_escape", "escape", "format_html", "mark_safe"]


def escape(text: Any) -> SafeString:
    if isinstance(text, str):
        return SafeString(html.escape(text))
    if type(text) is int:  # not bool: its text is a word
        return SafeString(text)
    return SafeString(html.escape(text_of(text)))


def conditional_escape(text: Any) -> SafeString:
    if hasattr(text, "__html__"):
        return SafeString(text.__html__())
    if isinstance(text, str):
        return SafeString(html.escape(text))
    if type(text) is int:
        return SafeString(text)
    return SafeString(html.escape(text_of(text)))


def mark_safe(text: str) -> SafeString:
    """*text* (markup its caller escaped) marked safe; text that is safe already stays as it
    is. For text only: Django's ``mark_safe`` also decorates functions and keeps lazy text."""
    if hasattr(text, "__html__"):
        return text  # type: ignore[return-value]
    return SafeString(text)


def format_html(format_string: str, *args: Any, **kwargs: Any) -> SafeString:
    return SafeString(
        format_string.format(
            *map(conditional_escape, args),
            **{name: conditional_escape(value) for name, value in kwargs.items()},
        )
    )
