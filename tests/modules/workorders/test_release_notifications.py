"""Releasing a work order tells its assignee, after the commit."""

from opsbase.kit.notifications.selectors import notification_list, notification_unread_count
from opsbase.modules.workorders.services import workorder_transition


def test_releasing_tells_the_assignee(
    world, user, manager, make_order, django_capture_on_commit_callbacks
):
    order = make_order(user)

    with django_capture_on_commit_callbacks(execute=True):
        workorder_transition(membership=manager, workorder=order, transition="plan")
        workorder_transition(membership=manager, workorder=order, transition="release")

    [notification] = notification_list(membership=user)
    assert notification.event == "workorders.released"
    assert notification.title == f"Work order {order.number} is released to you"
    assert notification.url == order.get_absolute_url()
    assert notification_unread_count(membership=manager) == 0
