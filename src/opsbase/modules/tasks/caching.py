"""Cached task lists: answers kept per tenant version, visibility scope and query.

A list answer depends on the tenant's tasks (and the members' e-mails it shows), on which of
them the caller may see, and on the query. The key holds all three: the tenant's version
(``opsbase.core.cache``; bumped by every write, see ``signals``), the caller's visibility
scope (the filter the policy applies, so two Admins share answers and two Users never do),
and the query parameters. What else an answer shows is added by the caller (the API: host
and media type; the page: the member and its permissions). Today's date is part of every
key, since "overdue" changes at midnight.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from opsbase.conf import setting
from opsbase.core.cache import cache_get, cache_set, versioned_key
from opsbase.kernel.policy import policy

from .constants import VIEW, VIEW_ALL
from .selectors import task_counts


def task_list_cache_enabled() -> bool:
    return bool(setting("LIST_CACHE"))


def task_visibility_scope(membership) -> str:
    """What decides which tasks *membership* sees, as text: its tenant and the policy's filter."""
    return f"{membership.tenant_id}:{policy.rule(VIEW).scope.q(membership)!r}"


def task_list_cache_key(kind: str, membership, query, *parts: object) -> str | None:
    """The cache key of a list answer for *membership* and the *query* (a QueryDict); None
    when caching is off or the cache is unreachable."""
    if not task_list_cache_enabled():
        return None
    params = sorted((name, tuple(values)) for name, values in query.lists())
    return versioned_key(
        f"tasks:{kind}",
        membership.tenant_id,
        task_visibility_scope(membership),
        params,
        translation.get_language(),
        timezone.localdate().isoformat(),
        *parts,
    )


def task_list_cached(key: str | None):
    return None if key is None else cache_get(key)


def task_list_store(key: str | None, value) -> None:
    if key is not None:
        cache_set(key, value, setting("LIST_CACHE_TIMEOUT"))


def task_dashboard_counts(membership) -> list[tuple[object, int, str | None]]:
    """The dashboard's task counts for *membership*, cached per tenant version and scope
    (whatever ``OPSBASE_LIST_CACHE`` says: counts are small and every write renews them)."""
    key = versioned_key(
        "tasks:counts",
        membership.tenant_id,
        task_visibility_scope(membership),
        timezone.localdate().isoformat(),
    )
    counts = cache_get(key) if key is not None else None
    if counts is None:
        counts = task_counts(membership=membership)
        if key is not None:
            cache_set(key, counts, setting("LIST_CACHE_TIMEOUT"))
    # The list that holds exactly the tasks counted: every task, or the member's own.
    shown = reverse("tasks:task_all" if membership.role.grants(VIEW_ALL) else "tasks:task_list")
    return [
        (_("Open"), counts["open"], None),
        (_("Overdue"), counts["overdue"], f"{shown}?overdue=true"),
        (_("Done"), counts["done"], f"{shown}?status=done"),
    ]
