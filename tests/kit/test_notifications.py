"""Notifications: one call (``notify``) honouring each member's channels, a write-time unread
counter, mark read, and the daily digest (at most one e-mail per person per day)."""

import datetime as dt

import pytest
from django.core import mail

from opsbase.core.exceptions import NotFound
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.notifications import notify
from opsbase.kit.notifications.models import Notification, NotificationDigest
from opsbase.kit.notifications.selectors import (
    notification_list,
    notification_preference_grid,
    notification_unread_count,
)
from opsbase.kit.notifications.services import (
    notification_digest_send,
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_save,
)
from opsbase.kit.tasks import notification_digest

EVENT = "tasks.assigned"  # declared by the tasks module: in the app and by e-mail


def _tell(recipient, actor=None, title="Check the pumps", **kwargs):
    return notify(
        recipient=recipient, event=EVENT, title=title, url="/tasks/1/", actor=actor, **kwargs
    )


def _choose(membership, *channels, event=EVENT):
    notification_preferences_save(
        membership=membership, choices=[(event, channel) for channel in channels]
    )


def test_a_notification_shows_in_the_bell_and_counts_as_unread(world, user, manager):
    notification = _tell(manager, actor=user)

    assert notification.in_app and notification.tenant_id == world.home.pk
    assert list(notification_list(membership=manager)) == [notification]
    assert notification_unread_count(membership=manager) == 1


def test_the_actor_is_not_told_about_their_own_action(user):
    assert _tell(user, actor=user) is None
    assert notification_unread_count(membership=user) == 0


def test_an_inactive_member_is_not_told(world, user):
    world.spare.is_active = False
    world.spare.save()

    assert _tell(world.spare, actor=user) is None


def test_a_recipient_of_another_organization_is_refused(world, user):
    foreign = world.away_members[RoleKind.USER]

    with pytest.raises(ValueError, match="across organizations"):
        _tell(foreign, actor=user)


def test_an_event_nobody_declared_is_refused(manager):
    with pytest.raises(LookupError):
        notify(recipient=manager, event="tasks.nothing", title="x")


def test_marking_read_lowers_the_count_once(user, manager):
    first, _second = _tell(manager, actor=user), _tell(manager, actor=user, title="Another")

    notification_mark_read(membership=manager, pk=first.pk)
    notification_mark_read(membership=manager, pk=first.pk)  # again: nothing changes

    assert notification_unread_count(membership=manager) == 1
    assert notification_mark_all_read(membership=manager) == 1
    assert notification_unread_count(membership=manager) == 0


def test_another_members_notification_is_not_found(world, user, manager):
    notification = _tell(manager, actor=user)
    globex = world.away_members[RoleKind.MANAGER]

    for stranger in (user, globex):
        with pytest.raises(NotFound):
            notification_mark_read(membership=stranger, pk=notification.pk)
    assert notification_unread_count(membership=manager) == 1
    assert list(notification_list(membership=globex)) == []


def test_the_default_channels_put_it_in_the_app_and_email_it(
    user, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _tell(manager, actor=user, email=None)

    assert notification_unread_count(membership=manager) == 1
    [message] = mail.outbox
    assert message.to == ["manager@acme.test"]
    assert message.subject == "[Acme] Check the pumps"
    assert "/tasks/1/" in message.body


def test_email_only_sends_the_email_and_keeps_nothing_in_the_app(
    user, manager, django_capture_on_commit_callbacks
):
    _choose(manager, "email")

    with django_capture_on_commit_callbacks(execute=True):
        assert _tell(manager, actor=user) is None

    assert [m.to for m in mail.outbox] == [["manager@acme.test"]]
    assert notification_unread_count(membership=manager) == 0


def test_the_module_own_email_job_is_used_when_given(
    user, manager, django_capture_on_commit_callbacks
):
    sent = []

    with django_capture_on_commit_callbacks(execute=True):
        _tell(manager, actor=user, email=lambda: sent.append("module's own"))

    assert sent == ["module's own"]
    assert mail.outbox == []


def test_no_channel_means_nothing_at_all(user, manager, django_capture_on_commit_callbacks):
    _choose(manager)

    with django_capture_on_commit_callbacks(execute=True):
        assert _tell(manager, actor=user) is None

    assert mail.outbox == []
    assert Notification.objects.for_tenant(manager.tenant_id).count() == 0


def test_digest_only_waits_for_the_digest_and_stays_out_of_the_bell(
    user, manager, django_capture_on_commit_callbacks
):
    _choose(manager, "digest")

    with django_capture_on_commit_callbacks(execute=True):
        notification = _tell(manager, actor=user)

    assert notification.digest_pending and not notification.in_app
    assert mail.outbox == []
    assert notification_unread_count(membership=manager) == 0
    assert list(notification_list(membership=manager)) == []


def test_the_preferences_grid_lists_declared_events_in_words(manager):
    _choose(manager, "digest", "in_app")

    row = next(
        r for r in notification_preference_grid(membership=manager) if r["event"].key == EVENT
    )

    assert str(row["event"].label) == "A task is assigned to me"
    assert row["module"] == "Tasks"
    assert row["channels"] == {"digest", "in_app"}


def test_the_digest_sends_one_email_per_person_per_day(
    world, user, manager, django_capture_on_commit_callbacks
):
    _choose(manager, "digest")
    _tell(manager, actor=user, title="First")
    _tell(manager, actor=user, title="Second")
    day = dt.date(2026, 12, 5)

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send(day=day) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send(day=day) == 0  # the same day again: nothing

    [message] = mail.outbox
    assert message.to == ["manager@acme.test"]
    assert "2 notifications" in message.subject
    assert "First" in message.body and "Second" in message.body and "Acme" in message.body
    assert NotificationDigest.objects.get(user=manager.user, day=day).count == 2


def test_what_arrives_after_the_days_digest_waits_for_the_next_day(
    user, manager, django_capture_on_commit_callbacks
):
    _choose(manager, "digest")
    _tell(manager, actor=user, title="First")
    with django_capture_on_commit_callbacks(execute=True):
        notification_digest_send(day=dt.date(2026, 12, 5))
    _tell(manager, actor=user, title="Later")

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest_send(day=dt.date(2026, 12, 5)) == 0
        assert notification_digest_send(day=dt.date(2026, 12, 6)) == 1

    assert [m.body.count("Later") for m in mail.outbox] == [0, 1]


def test_the_beat_job_runs_the_digest(user, manager, django_capture_on_commit_callbacks):
    _choose(manager, "digest")
    _tell(manager, actor=user)

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest.apply().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digest.apply().get() == 0

    assert len(mail.outbox) == 1


def test_the_digest_is_scheduled_with_celery_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["opsbase-notification-digest"]

    assert entry["task"] == notification_digest.name


def test_one_notification_costs_the_same_few_queries(user, manager, django_assert_num_queries):
    _tell(manager, actor=user)  # the counter row exists from now on

    # The member's choice, the counter row ensured, the notification, the counter (+1);
    # the transaction's savepoint and its release.
    with django_assert_num_queries(6):
        _tell(manager, actor=user, title="Another")


def test_a_fan_out_costs_the_same_per_recipient(world, user, django_assert_num_queries):
    members = [world.members[RoleKind.MANAGER], world.members[RoleKind.ADMIN], world.spare]
    for member in members:
        _tell(member, actor=user)

    with django_assert_num_queries(6 * len(members)):
        for member in members:
            _tell(member, actor=user, title="Again")
