"""The daily jobs (Celery beat): open invoices past their due date are flagged overdue and
the billing team told once; customers are reminded on the organization's reminder days
(before and after the due date), each reminder once however often the job runs."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from opsbase.core.celery import app
from opsbase.kit.notifications.models import Notification
from opsbase.modules.billing.models import InvoiceReminder
from opsbase.modules.billing.services import (
    billing_profile_update,
    invoice_create,
    invoice_issue,
    invoice_pay,
    invoice_reminders_send,
    invoices_overdue_flag,
)

from .conftest import LINES, customer_of

TODAY = timezone.localdate()


@pytest.fixture
def due_in(admin):
    """``due_in(days)``: an open invoice of Acme due *days* from today, its customer
    reachable by e-mail."""

    def make(days, *, email="ap@initech.example"):
        customer = customer_of(admin.tenant)
        customer.email = email
        customer.save()
        due = TODAY + dt.timedelta(days=days)
        invoice = invoice_create(
            membership=admin,
            customer=customer,
            lines=LINES,
            issue_date=min(TODAY, due) - dt.timedelta(days=30),
            due_date=due,
        )
        return invoice_issue(membership=admin, invoice=invoice)

    return make


def _overdue_notifications(admin):
    return Notification.objects.for_tenant(admin.tenant_id).filter(
        event="billing.invoice_overdue", recipient=admin
    )


def test_an_invoice_past_due_is_flagged_and_the_team_told_once(
    admin, due_in, django_capture_on_commit_callbacks
):
    late, not_yet = due_in(-2), due_in(0)

    with django_capture_on_commit_callbacks(execute=True):
        first = invoices_overdue_flag(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        again = invoices_overdue_flag(today=TODAY)

    late.refresh_from_db()
    not_yet.refresh_from_db()
    assert (first, again) == (1, 0)
    assert late.overdue_since == TODAY and not_yet.overdue_since is None
    (told,) = _overdue_notifications(admin)
    assert late.number in told.title


def test_a_paid_invoice_is_never_flagged(admin, due_in):
    invoice = due_in(-5)
    invoice_pay(membership=admin, invoice=invoice)

    assert invoices_overdue_flag(today=TODAY) == 0


def test_the_overdue_job_leaves_other_organizations_alone(world, admin, due_in):
    due_in(-2)

    invoices_overdue_flag(today=TODAY)

    away = world.away_members["admin"]
    assert not Notification.objects.for_tenant(away.tenant_id).exists()


@pytest.mark.parametrize(("due", "reminded"), [(3, -3), (-1, 1), (-7, 7)])
def test_a_reminder_goes_on_each_default_reminder_day(
    due_in, django_capture_on_commit_callbacks, due, reminded
):
    invoice = due_in(due)

    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_reminders_send(today=TODAY, site_url="https://ops.example.com") == 1

    (message,) = mail.outbox
    assert message.to == ["ap@initech.example"]
    assert "Reminder" in message.subject and invoice.number in message.subject
    assert ("overdue" in message.subject) == (reminded > 0)
    assert message.attachments[0][0] == f"{invoice.number}.pdf"
    assert f"https://ops.example.com/i/{invoice.link_token}/" in message.body
    assert list(
        InvoiceReminder.objects.for_tenant(invoice.tenant_id).values_list("offset_days", flat=True)
    ) == [reminded]


def test_running_the_reminders_twice_the_same_day_sends_each_once(
    due_in, django_capture_on_commit_callbacks
):
    due_in(-1)
    due_in(3)

    with django_capture_on_commit_callbacks(execute=True):
        first = invoice_reminders_send(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        second = invoice_reminders_send(today=TODAY)

    assert (first, second) == (2, 0)
    assert len(mail.outbox) == 2
    assert InvoiceReminder.objects.unscoped().count() == 2


def test_each_reminder_day_sends_its_own_once_over_the_invoices_life(
    due_in, django_capture_on_commit_callbacks
):
    invoice = due_in(3)  # reminders at due -3, +1, +7
    sent = {}
    for day in range(0, 14):
        with django_capture_on_commit_callbacks(execute=True):
            sent[day] = invoice_reminders_send(today=TODAY + dt.timedelta(days=day))

    assert [day for day, count in sent.items() if count] == [0, 4, 10]
    assert len(mail.outbox) == 3
    offsets = InvoiceReminder.objects.for_tenant(invoice.tenant_id).values_list(
        "offset_days", flat=True
    )
    assert sorted(offsets) == [-3, 1, 7]


def test_reminders_due_together_send_one_e_mail_and_each_is_kept(
    admin, due_in, django_capture_on_commit_callbacks
):
    billing_profile_update(membership=admin, reminder_offsets="1, 2")
    invoice = due_in(-2)  # the job did not run yesterday (+1): +1 and +2 are both due

    with django_capture_on_commit_callbacks(execute=True):
        invoice_reminders_send(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_reminders_send(today=TODAY + dt.timedelta(days=1))

    assert len(mail.outbox) == 1
    offsets = InvoiceReminder.objects.for_tenant(invoice.tenant_id).values_list(
        "offset_days", flat=True
    )
    assert sorted(offsets) == [1, 2]


def test_a_reminder_day_long_past_is_not_sent(admin, due_in):
    billing_profile_update(membership=admin, reminder_offsets="1")
    due_in(-10)  # +1 was nine days ago: past the catch-up days

    assert invoice_reminders_send(today=TODAY) == 0


def test_the_organizations_reminder_days_replace_the_defaults(
    admin, due_in, django_capture_on_commit_callbacks
):
    billing_profile_update(membership=admin, reminder_offsets="2, 14")
    due_in(-2)
    due_in(-1)

    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_reminders_send(today=TODAY) == 1


def test_no_reminder_for_a_paid_invoice_or_a_customer_without_e_mail(
    admin, due_in, django_capture_on_commit_callbacks
):
    invoice_pay(membership=admin, invoice=due_in(-1))
    due_in(-1, email="")

    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_reminders_send(today=TODAY) == 0
    assert mail.outbox == []


def test_both_jobs_are_scheduled_by_the_modules_declaration():
    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    # What a worker does as it starts: import every installed app's tasks module (else the
    # test would depend on another test having imported the billing tasks first).
    app.loader.import_default_modules()

    assert {"opsbase.billing.overdue", "opsbase.billing.reminders"} <= tasks
    assert {"opsbase.billing.overdue", "opsbase.billing.reminders"} <= set(app.tasks)


def test_the_jobs_run_as_celery_tasks(admin, due_in, django_capture_on_commit_callbacks):
    from opsbase.modules.billing.tasks import invoice_reminders, invoices_overdue

    due_in(-1)

    with django_capture_on_commit_callbacks(execute=True):
        flagged = invoices_overdue.delay().get()
        queued = invoice_reminders.delay().get()

    assert (flagged, queued) == (1, 1)
    assert len(mail.outbox) == 1
