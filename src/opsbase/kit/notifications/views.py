"""The member's notification pages: the bell (a fragment htmx polls), the list with mark read
and mark all read, and the preferences grid."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsbase.web.decorators import membership_required

from .events import Channel
from .selectors import notification_list, notification_preference_grid, notification_unread_count
from .services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_save,
)

LIST_SIZE = 50


@require_GET
@membership_required
def bell(request: Any) -> HttpResponse:
    """The navbar's bell with the unread count: one row read (htmx polls it)."""
    count = notification_unread_count(membership=request.membership)
    return render(request, "kit/notifications/_bell.html", {"unread": count, "polled": True})


@require_GET
@membership_required
def notification_page(request: Any) -> HttpResponse:
    """The member's latest notifications, unread first in bold, with mark read."""
    rows = list(notification_list(membership=request.membership)[:LIST_SIZE])
    return render(
        request,
        "kit/notifications/list.html",
        {"notifications": rows, "unread": sum(1 for row in rows if row.read_at is None)},
    )


@require_POST
@membership_required
def notification_read(request: Any, pk: int) -> HttpResponse:
    """Mark one read (404 for anyone else's); then open its link when asked, else the list."""
    notification = notification_mark_read(membership=request.membership, pk=pk)
    target = notification.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
@membership_required
def notification_read_all(request: Any) -> HttpResponse:
    count = notification_mark_all_read(membership=request.membership)
    if count:
        messages.success(request, _("All your notifications are marked read."))
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
@membership_required
def preferences(request: Any) -> HttpResponse:
    """Which events reach the member, and how: one box per event and channel."""
    if request.method == "POST":
        choices = []
        for value in request.POST.getlist("choice"):
            event, _sep, channel = value.rpartition(":")
            if event and channel in Channel.values:
                choices.append((event, channel))
        notification_preferences_save(membership=request.membership, choices=choices)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    grid = notification_preference_grid(membership=request.membership)
    return render(
        request,
        "kit/notifications/preferences.html",
        {"grid": grid, "channels": list(Channel)},
    )
