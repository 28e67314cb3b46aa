"""Django's ``escape``, ``conditional_escape`` and ``format_html``, without the lazy-text
wrapper each of them goes through (``keep_lazy``): a list page calls them a few hundred times
an answer (its rows, its filters' options). Same output, character for character; lazy text
is turned into text first, as Django's versions do.
"""

from __future__ import annotations

import html
from typing import Any

from django.utils.safestring import SafeString

__all__ = ["conditional_escape", "escape", "format_html"]


def escape(text: Any) -> SafeString:
    return SafeString(html.escape(str(text)))


def conditional_escape(text: Any) -> SafeString:
    if hasattr(text, "__html__"):
        return SafeString(text.__html__())
    return SafeString(html.escape(str(text)))


def format_html(format_string: str, *args: Any, **kwargs: Any) -> SafeString:
    return SafeString(
        format_string.format(
            *map(conditional_escape, args),
            **{name: conditional_escape(value) for name, value in kwargs.items()},
        )
    )
