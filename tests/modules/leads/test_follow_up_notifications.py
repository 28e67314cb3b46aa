"""Each morning the owner of an open lead whose follow-up is due hears it, in the bell."""

import datetime as dt

from opsbase.kit.notifications.selectors import notification_list
from opsbase.modules.leads.services import leads_follow_ups_due_notify
from opsbase.modules.leads.tasks import leads_follow_ups_due

DAY = dt.date(2026, 12, 7)


def test_the_owner_of_a_lead_due_today_is_told(world, user, manager, make_lead):
    due = make_lead(manager, name="Ada Park", follow_up=DAY)
    make_lead(manager, name="Later", follow_up=DAY + dt.timedelta(days=1))

    assert leads_follow_ups_due_notify(day=DAY) == 1

    [notification] = notification_list(membership=manager)
    assert notification.event == "leads.follow_up_due"
    assert notification.title == "Follow up today: Ada Park"
    assert notification.url == f"/leads/{due.pk}/"
    assert list(notification_list(membership=user)) == []


def test_the_job_is_scheduled_each_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["opsbase-leads-follow-ups-due"]

    assert entry["task"] == leads_follow_ups_due.name
