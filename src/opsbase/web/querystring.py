"""A list's query string: its variants (another page, sort, format) and its page size, the same
for every list page (the kit's, the audit trail's)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict

from opsbase.conf import setting

__all__ = ["page_size", "query_with"]


def query_with(query: QueryDict, **changes: Any) -> str:
    """*query* with *changes* (None removes a key; a value replaces the key's values where it
    stands, or comes last), as ``?...`` (``?`` when empty): what ``QueryDict.copy()``, its
    changes and ``urlencode()`` give, without copying the query (a list page links a dozen
    variants of it)."""
    pairs: list[tuple[str, Any]] = []
    for key, values in query.lists():
        if key not in changes:
            pairs.extend((key, value) for value in values)
        elif changes[key] is not None:
            pairs.append((key, changes[key]))
    pairs.extend((k, v) for k, v in changes.items() if v is not None and k not in query)
    encoded = urlencode([(key, str(value)) for key, value in pairs])
    return f"?{encoded}" if encoded else "?"


def page_size(query: QueryDict) -> int:
    """The ``page_size`` *query* asks for when ``OPSBASE_PAGE_SIZES`` offers it, else 25 (or
    the first size offered)."""
    sizes = list(setting("PAGE_SIZES"))
    try:
        wanted = int(query.get("page_size", ""))
    except ValueError:
        wanted = 0
    return wanted if wanted in sizes else (25 if 25 in sizes else sizes[0])
