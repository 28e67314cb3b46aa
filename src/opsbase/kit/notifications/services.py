"""Writes of notifications. ``notify`` is the one call every module makes; the rest are the
member's own reads and choices."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, When
from django.utils import timezone

from opsbase.core.writes import atomic_write
from opsbase.kernel.tenants.models import Membership

from .events import Channel, event_for
from .models import Notification, NotificationCounter, NotificationPreference
from .selectors import notification_channels_for, notification_get_for

logger = logging.getLogger(__name__)


def _counter_add(membership: Membership, delta: int) -> None:
    """Change the member's unread count by *delta* in the caller's transaction (atomic in the
    database: concurrent writers never lose a change)."""
    rows = NotificationCounter.objects.for_tenant(membership.tenant_id).filter(
        membership=membership
    )
    if delta >= 0:
        value: Any = F("unread") + delta
    else:
        value = Case(When(unread__gte=-delta, then=F("unread") + delta), default=0)
    if rows.update(unread=value):
        return
    try:
        with transaction.atomic():
            NotificationCounter.objects.create(
                tenant_id=membership.tenant_id, membership=membership, unread=max(delta, 0)
            )
    except IntegrityError:
        # Another writer made the row first: count on it.
        rows.update(unread=value)


def _counter_ensure(membership: Membership) -> None:
    """Make the member's counter row if it is missing, committed on its own when the caller
    holds no transaction: first notifications racing each other then only update it (on
    MariaDB two transactions that both met the other's new row would deadlock upgrading
    their shared locks)."""
    NotificationCounter.objects.bulk_create(
        [NotificationCounter(tenant_id=membership.tenant_id, membership=membership, unread=0)],
        ignore_conflicts=True,
    )


def notify(
    *,
    recipient: Membership,
    event: str,
    title: str,
    body: str = "",
    url: str = "",
    actor: Membership | None = None,
    email: Callable[[], Any] | None = None,
) -> Notification | None:
    """Tell *recipient* about *event* on the channels they chose: a row in their bell, an
    e-mail after the commit (the module's own *email* job, else the kit's plain one), or a
    line in tomorrow's digest. Nobody is told about their own action; an inactive member and
    a member of another organization than the actor's are never told. The notification, or
    None when nothing was kept in the app."""
    event_for(event)  # a key nobody declared is a programming error: say so at once
    if actor is not None and actor.tenant_id != recipient.tenant_id:
        raise ValueError("notify() across organizations: the actor and the recipient differ.")
    if not recipient.is_active or (actor is not None and actor.user_id == recipient.user_id):
        return None
    channels = notification_channels_for(membership=recipient, event=event)
    notification = None
    if Channel.IN_APP in channels:
        _counter_ensure(recipient)
    with transaction.atomic():
        if Channel.IN_APP in channels or Channel.DIGEST in channels:
            notification = Notification.objects.create(
                tenant_id=recipient.tenant_id,
                recipient=recipient,
                event=event,
                title=title[:200],
                body=body,
                url=url[:500],
                in_app=Channel.IN_APP in channels,
                digest_pending=Channel.DIGEST in channels,
            )
            if notification.in_app:
                _counter_add(recipient, 1)
        if Channel.EMAIL in channels:
            transaction.on_commit(lambda: _email(recipient, event, title, body, url, email))
    return notification


def notify_after_commit(**kwargs: Any) -> None:
    """``notify(**kwargs)`` once the caller's transaction commits (nothing if it rolls back),
    in the recipient's organization; a failure there is logged, never the caller's error."""
    recipient: Membership = kwargs["recipient"]

    def run() -> None:
        from opsbase.core.context import tenant_context

        try:
            with tenant_context(recipient.tenant_id):
                notify(**kwargs)
        except Exception:
            logger.exception("Notification %s for member %s lost.", kwargs["event"], recipient.pk)

    transaction.on_commit(run)


def _email(
    recipient: Membership,
    event: str,
    title: str,
    body: str,
    url: str,
    email: Callable[[], Any] | None,
) -> None:
    """Queue the e-mail after the commit, in the recipient's organization (the job carries it
    to the worker): the module's own job when it gave one, else the kit's plain one."""
    from opsbase.core.context import tenant_context
    from opsbase.kit.tasks import notification_email

    try:
        with tenant_context(recipient.tenant_id):
            if email is not None:
                email()
            else:
                notification_email.delay(recipient.tenant_id, recipient.pk, title, body, url)
    except Exception:
        # The notification stands; say which e-mail a broker outage lost.
        logger.exception("Notification e-mail %s for member %s not queued.", event, recipient.pk)


@atomic_write
def notification_mark_read(*, membership: Membership, pk: int) -> Notification:
    """Mark the member's notification *pk* read (404 for anyone else's); idempotent."""
    notification = notification_get_for(membership=membership, pk=pk)
    changed = (
        Notification.objects.for_tenant(membership.tenant_id)
        .filter(pk=notification.pk, read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    if changed:
        _counter_add(membership, -changed)
    notification.refresh_from_db(fields=["read_at"])
    return notification


@atomic_write
def notification_mark_all_read(*, membership: Membership) -> int:
    """Mark every unread notification of the member read; how many were."""
    changed = (
        Notification.objects.for_tenant(membership.tenant_id)
        .filter(recipient=membership, in_app=True, read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    if changed:
        _counter_add(membership, -changed)
    return changed


@atomic_write
def notification_preferences_save(
    *, membership: Membership, choices: Iterable[tuple[str, str]]
) -> None:
    """Keep the member's channels: *choices* are the (event, channel) boxes ticked; an event
    without any box ticked is heard on none."""
    from .events import declared_events

    ticked = set(choices)
    for _module, event in declared_events():
        values = {
            channel: (event.key, channel) in ticked
            for channel in (Channel.IN_APP, Channel.EMAIL, Channel.DIGEST)
        }
        NotificationPreference.objects.for_tenant(membership.tenant_id).update_or_create(
            tenant_id=membership.tenant_id,
            membership=membership,
            event=event.key,
            defaults={str(k): v for k, v in values.items()},
        )


def notification_email_send(
    *, tenant_id: int, membership_id: int, title: str, body: str = "", url: str = ""
) -> list[str]:
    """E-mail one notification to the member, if they are still an active one; the recipients."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    member = (
        Membership.objects.for_tenant(tenant_id)
        .select_related("user", "tenant")
        .filter(pk=membership_id, is_active=True)
        .first()
    )
    if member is None or not member.user.email:
        return []
    context = {"member": member, "title": title, "body": body, "url": url}
    text = render_to_string("kit/notifications/email.txt", context)
    send_mail(f"[{member.tenant.name}] {title}"[:250], text, None, [member.user.email])
    return [member.user.email]


def notification_digest_send(*, day: Any = None) -> int:
    """Send each person at most one digest e-mail on *day* (today by default) with what waits
    for it, across their organizations; how many were sent. Running it again sends nothing
    more: the day's ``NotificationDigest`` row is taken before anything goes out."""
    day = day or timezone.localdate()
    waiting = (
        Notification.objects.unscoped()
        .filter(digest_pending=True, recipient__is_active=True)
        .values_list("recipient__user_id", flat=True)
        .distinct()
    )
    return sum(_digest_one(user_id=user_id, day=day) for user_id in sorted(set(waiting)))


def _digest_one(*, user_id: int, day: Any) -> int:
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from .models import NotificationDigest

    with transaction.atomic():
        try:
            with transaction.atomic():
                digest = NotificationDigest.objects.create(user_id=user_id, day=day)
        except IntegrityError:
            return 0  # this person's digest of the day is already out
        rows = list(
            Notification.objects.unscoped()
            .filter(digest_pending=True, recipient__user_id=user_id, recipient__is_active=True)
            .select_related("tenant")
            .order_by("tenant__name", "created_at", "pk")
        )
        if not rows:
            transaction.set_rollback(True)
            return 0
        Notification.objects.unscoped().filter(pk__in=[row.pk for row in rows]).update(
            digest_pending=False, digested_at=timezone.now()
        )
        digest.count = len(rows)
        digest.save(update_fields=["count"])
        person = get_user_model().objects.get(pk=user_id)
        text = render_to_string(
            "kit/notifications/digest.txt", {"person": person, "notifications": rows, "day": day}
        )
        subject = render_to_string("kit/notifications/digest_subject.txt", {"count": len(rows)})
        address = person.email
        transaction.on_commit(lambda: send_mail(" ".join(subject.split()), text, None, [address]))
    return 1
