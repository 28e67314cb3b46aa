"""The unread counter stays right when notifications arrive and are read at once, from real
threads with their own connections (PostgreSQL and MariaDB)."""

import pytest

from opsbase.core.context import tenant_context
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.notifications import notify
from opsbase.kit.notifications.models import Notification
from opsbase.kit.notifications.selectors import notification_unread_count
from opsbase.kit.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_save,
)
from opsbase.testing.concurrency import in_threads, needs_row_locks
from opsbase.testing.matrix import build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_row_locks,
]


def _in_app_only(world, member):
    """The counter is the point here: no e-mail jobs (eager Celery) from the threads."""
    with tenant_context(world.home.pk):
        notification_preferences_save(membership=member, choices=[("tasks.assigned", "in_app")])


def _unread_rows(member):
    return (
        Notification.objects.for_tenant(member.tenant_id)
        .filter(recipient=member, read_at__isnull=True, in_app=True)
        .count()
    )


def test_parallel_notifications_are_all_counted_even_the_first():
    world = build_world()
    actor, member = world.members[RoleKind.USER], world.members[RoleKind.MANAGER]
    _in_app_only(world, member)

    def tell(n):
        def job():
            with tenant_context(world.home.pk):
                notify(recipient=member, event="tasks.assigned", title=f"Task {n}", actor=actor)

        return job

    in_threads([tell(n) for n in range(24)])

    with tenant_context(world.home.pk):
        assert notification_unread_count(membership=member) == 24 == _unread_rows(member)


def test_reading_while_notifications_arrive_keeps_the_count_equal_to_the_unread_rows():
    world = build_world()
    actor, member = world.members[RoleKind.USER], world.members[RoleKind.MANAGER]
    _in_app_only(world, member)
    with tenant_context(world.home.pk):
        first = [
            notify(recipient=member, event="tasks.assigned", title=f"Old {n}", actor=actor)
            for n in range(10)
        ]

    def tell(n):
        def job():
            with tenant_context(world.home.pk):
                notify(recipient=member, event="tasks.assigned", title=f"New {n}", actor=actor)

        return job

    def read(notification):
        def job():
            with tenant_context(world.home.pk):
                notification_mark_read(membership=member, pk=notification.pk)

        return job

    def read_all():
        with tenant_context(world.home.pk):
            notification_mark_all_read(membership=member)

    jobs = [tell(n) for n in range(12)] + [read(n) for n in first] + [read_all, read_all]
    in_threads(jobs)

    with tenant_context(world.home.pk):
        assert notification_unread_count(membership=member) == _unread_rows(member)
