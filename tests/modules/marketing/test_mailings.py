"""E-mail campaigns: only consented addresses, a one-click unsubscribe in every message, the
suppression list honoured, throttled batches that pause and resume, opens and clicks counted
through signed links unless the organization turned counting off."""

import re

import pytest
from django.core import mail

from opsbase.modules.marketing.constants import ConsentStatus, MailingState, RecipientStatus
from opsbase.modules.marketing.models import Consent, Mailing, Recipient
from opsbase.modules.marketing.services import (
    mailing_batch_send,
    mailing_transition,
    marketing_settings_update,
)
from opsbase.services.email import suppression_add, suppression_check


def start(manager, mailing, capture, *, run=True):
    with capture(execute=run):
        mailing_transition(membership=manager, mailing=mailing, transition="start")
    mailing.refresh_from_db()
    return mailing


def to(message):
    return message.to[0]


def html_of(message):
    return next(body for body, kind in message.alternatives if kind == "text/html")


def test_a_campaign_goes_to_the_consented_addresses_with_a_one_click_unsubscribe(
    manager, audience, make_mailing, django_capture_on_commit_callbacks
):
    mailing = make_mailing(manager)

    start(manager, mailing, django_capture_on_commit_callbacks)

    assert sorted(to(m) for m in mail.outbox) == ["ann@example.com", "bob@example.com"]
    message = mail.outbox[0]
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<http://testserver/m/u/[^/]+/>", unsubscribe)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in message.body
    assert unsubscribe.strip("<>") in html_of(message)
    assert mailing.state == MailingState.SENT
    assert "Acme" in message.from_email


def test_an_unsubscribed_address_receives_nothing_from_the_next_send(
    client, manager, audience, make_mailing, django_capture_on_commit_callbacks
):
    start(manager, make_mailing(manager), django_capture_on_commit_callbacks)
    ann = next(m for m in mail.outbox if to(m) == "ann@example.com")
    link = ann.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")

    # The mail program's one-click unsubscribe (RFC 8058): a POST with no cookie or token.
    answer = client.post(link, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    mail.outbox.clear()
    start(manager, make_mailing(manager), django_capture_on_commit_callbacks)

    assert [to(m) for m in mail.outbox] == ["bob@example.com"]
    consent = Consent.objects.for_tenant(manager.tenant).get(email="ann@example.com")
    assert consent.status == ConsentStatus.WITHDRAWN
    assert suppression_check("ann@example.com", organization_id=manager.tenant_id)
    # Only for this organization: another one may still write to Ann.
    assert not suppression_check("ann@example.com", organization_id=manager.tenant_id + 1000)


def test_opening_the_unsubscribe_link_asks_before_it_unsubscribes(
    client, manager, audience, make_mailing, django_capture_on_commit_callbacks
):
    start(manager, make_mailing(manager), django_capture_on_commit_callbacks)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")

    page = client.get(link)

    assert page.status_code == 200
    assert 'data-testid="unsubscribe-confirm"' in page.content.decode()
    assert not Recipient.objects.for_tenant(manager.tenant).exclude(unsubscribed_at=None).exists()
    done = client.post(link)
    assert 'data-testid="unsubscribe-done"' in done.content.decode()


def test_a_forged_or_altered_link_is_not_found(client, manager, audience):
    assert client.get("/m/u/not-a-token/").status_code == 404
    assert client.post("/m/u/not-a-token/").status_code == 404
    assert client.get("/m/c/forged/").status_code == 404
    # The pixel answers an image whatever it is given, and counts nothing.
    assert client.get("/m/o/forged/")["Content-Type"] == "image/gif"


def test_a_suppressed_address_receives_nothing(
    manager, audience, make_mailing, django_capture_on_commit_callbacks
):
    suppression_add(address="Bob@Example.com", reason="bounce")

    mailing = start(manager, make_mailing(manager), django_capture_on_commit_callbacks)

    assert [to(m) for m in mail.outbox] == ["ann@example.com"]
    statuses = dict(
        Recipient.objects.for_tenant(manager.tenant)
        .filter(mailing=mailing)
        .values_list("email", "status")
    )
    assert statuses == {
        "ann@example.com": RecipientStatus.SENT,
        "bob@example.com": RecipientStatus.SUPPRESSED,
    }


def test_an_address_suppressed_while_sending_is_skipped_by_the_next_batch(
    manager, audience, make_mailing, django_capture_on_commit_callbacks
):
    mailing = start(manager, make_mailing(manager), django_capture_on_commit_callbacks, run=False)
    suppression_add(address="bob@example.com", reason="complaint")

    while mailing_batch_send(mailing_id=mailing.pk, tenant_id=manager.tenant_id, size=1):
        pass

    assert [to(m) for m in mail.outbox] == ["ann@example.com"]


def test_sending_goes_in_batches_that_pause_and_resume(
    manager, audience, make_mailing, django_capture_on_commit_callbacks, settings
):
    settings.OPSBASE_MARKETING_BATCH_SIZE = 1
    mailing = start(manager, make_mailing(manager), django_capture_on_commit_callbacks, run=False)

    assert mailing_batch_send(mailing_id=mailing.pk, tenant_id=manager.tenant_id) is True
    assert len(mail.outbox) == 1
    mailing_transition(membership=manager, mailing=mailing, transition="pause")

    # A paused campaign's queued batch sends nothing.
    assert mailing_batch_send(mailing_id=mailing.pk, tenant_id=manager.tenant_id) is False
    assert len(mail.outbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        mailing_transition(membership=manager, mailing=mailing, transition="resume")

    assert sorted(to(m) for m in mail.outbox) == ["ann@example.com", "bob@example.com"]
    assert Mailing.objects.for_tenant(manager.tenant).get(pk=mailing.pk).state == "sent"


def test_opens_and_clicks_are_counted_through_signed_links(
    client, manager, audience, make_mailing, django_capture_on_commit_callbacks
):
    mailing = start(manager, make_mailing(manager), django_capture_on_commit_callbacks)
    html = html_of(next(m for m in mail.outbox if to(m) == "ann@example.com"))
    pixel = re.search(r'src="http://testserver(/m/o/[^"]+)"', html).group(1)
    link = re.search(r'href="http://testserver(/m/c/[^"]+)"', html).group(1)

    assert client.get(pixel)["Content-Type"] == "image/gif"
    answer = client.get(link)

    assert answer.status_code == 302
    assert answer["Location"] == "https://example.com/news"
    ann = Recipient.objects.for_tenant(manager.tenant).get(mailing=mailing, email="ann@example.com")
    assert (ann.opens, ann.clicks) == (1, 1)
    assert ann.opened_at and ann.clicked_at


def test_with_counting_off_messages_carry_no_pixel_and_plain_links(
    client, manager, audience, make_mailing, django_capture_on_commit_callbacks
):
    marketing_settings_update(membership=manager, track_engagement=False)

    start(manager, make_mailing(manager), django_capture_on_commit_callbacks)

    html = html_of(mail.outbox[0])
    assert "/m/o/" not in html
    assert "/m/c/" not in html
    assert 'href="https://example.com/news"' in html


def test_another_organization_s_consents_are_not_this_one_s_audience(
    world, manager, audience, make_mailing, django_capture_on_commit_callbacks
):
    from .conftest import manager_of

    away = manager_of(world, world.away)

    start(away, make_mailing(away), django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_a_started_campaign_is_not_edited(
    manager, make_mailing, django_capture_on_commit_callbacks
):
    from opsbase.core.exceptions import ValidationError
    from opsbase.modules.marketing.services import mailing_update

    mailing = start(manager, make_mailing(manager), django_capture_on_commit_callbacks, run=False)

    with pytest.raises(ValidationError):
        mailing_update(membership=manager, mailing=mailing, subject="Changed")
