"""``text_of(value)``: ``str(value)``, with lazy translations turned into text once per language.

A label declared at import (``gettext_lazy``: a column's, a filter's, a menu entry's) is
translated again each time it becomes text: the active language looked up, the catalogs
searched, line endings normalised. A list page does that some hundred times for the same few
dozen labels. Here the text of each such label is kept per language, as Django keeps the
catalogs themselves (read once per process). Other values are ``str(value)``.

What is kept is forgotten when the language settings or the catalogs' locations change
(``setting_changed``, as in tests), and is bounded (a lazy text made per request takes a slot
until the next clearing, never more).
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

__all__ = ["text_of"]

# Django's lazy translations (each ``lazy()`` makes a class of its own). Other lazy values
# (``reverse_lazy``: its text depends on more than the language) are not kept.
_TRANSLATIONS = (type(gettext_lazy("")), type(pgettext_lazy("", "")))

#: (id of the lazy text, language) → (the lazy text, its text). The lazy text is held, so its
#: id names no other object while the entry lives.
_kept: dict[tuple[int, str | None], tuple[Any, str]] = {}
_KEPT_AT_MOST = 4096


def text_of(value: Any, language: str | None = None) -> str:
    """``str(value)``; a lazy translation's text worked out once per active language.
    *language*: the active one when the caller has it at hand (a loop over many texts asks
    for it once; each ask is a context-local look-up)."""
    if type(value) not in _TRANSLATIONS:
        return str(value)
    key = (id(value), language or translation.get_language())
    found = _kept.get(key)
    if found is not None and found[0] is value:
        return found[1]
    text = str(value)
    if len(_kept) >= _KEPT_AT_MOST:
        _kept.clear()
    _kept[key] = (value, text)
    return text


def _forget(setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _kept.clear()


setting_changed.connect(_forget, dispatch_uid="opsbase_core_text")
