"""``reverse_cached(name)``: the URL of a route that takes no arguments, worked out once;
``reverse_pattern(name)``: the URL of a route of one id, as a pattern to fill per row.

A page's shell names the same routes on every request (the sidebar's entries, the menus'
optional links, the list's own URL): about 25 ``reverse()`` calls a list page, each walking
the resolver's namespaces. Without arguments the answer depends only on the URLconf in use
and the script prefix, so it is kept per pair. When Django replaces the resolver (another
``ROOT_URLCONF``, ``clear_url_caches()`` in tests), everything kept is forgotten.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse

__all__ = ["reverse_cached", "reverse_pattern"]

_kept: dict[tuple[str, str], str | None] = {}
_kept_for: list[object] = [None]  # the resolver the kept URLs came from


def _kept_now() -> dict[tuple[str, str], str | None]:
    """What is kept for the resolver in use (emptied when Django has replaced it)."""
    resolver = get_resolver(get_urlconf())
    if _kept_for[0] is not resolver:
        _kept.clear()
        _kept_for[0] = resolver
    return _kept


def reverse_cached(name: str) -> str:
    """``reverse(name)`` for a route without arguments; NoReverseMatch as ``reverse`` raises."""
    kept = _kept_now()
    key = (name, get_script_prefix())
    try:
        url = kept[key]
    except KeyError:
        try:
            url = reverse(name)
        except NoReverseMatch:
            url = None
        kept[key] = url
    if url is None:
        raise NoReverseMatch(f"Reverse for '{name}' not found (no such route is installed).")
    return url


# A stand-in argument: reversed once, then replaced by ``{name}`` (a format field).
_STAND_IN = 987654321


def reverse_pattern(name: str, argument: str = "pk") -> str:
    """The URL of route *name*, which takes one integer argument, with ``{argument}`` where
    the argument goes (``"/tasks/{pk}/"``): a list builds a row's links with ``format``
    rather than a ``reverse()`` per row and per answer. Kept as ``reverse_cached`` keeps."""
    kept = _kept_now()
    key = (f"{name}\x00{argument}", get_script_prefix())
    pattern = kept.get(key)
    if pattern is None:
        found = reverse(name, args=[_STAND_IN])
        pattern = kept[key] = found.replace(str(_STAND_IN), f"{{{argument}}}")
    return pattern
