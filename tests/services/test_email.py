"""The e-mail service: templated text and HTML under an organization's name and branding,
nothing to a suppressed address, and providers' bounce and complaint webhooks (anymail,
Postmark's here) filling the suppression list."""

import base64
import json

import pytest
from django.core import mail

from opsbase.services import email
from opsbase.services.email.models import Suppression

pytestmark = pytest.mark.django_db

WEBHOOK = "/email/webhooks/postmark/tracking/"
SECRET = "hooks:s3cret"


def test_a_message_is_sent_in_text_and_html_with_the_organization_s_name_and_branding():
    brand = email.Branding(name="Acme", color="#123456", footer="Acme, 1 Main St")

    sent = email.email_send(
        to="ann@example.com",
        subject="Hello  there",
        text="Line one\n\nhttps://example.com & more",
        branding=brand,
        organization_id=7,
        headers={"X-Campaign": "dec"},
    )

    assert sent is True
    message = mail.outbox[0]
    assert message.from_email.startswith("Acme <")
    assert message.subject == "Hello there"
    assert message.extra_headers["X-Campaign"] == "dec"
    html = message.alternatives[0][0]
    assert 'bgcolor="#123456"' in html
    assert "Acme, 1 Main St" in html
    assert "&amp; more" in html
    assert message.metadata == {"organization": "7"}


def test_a_template_gives_subject_text_and_html():
    rendered = email.email_render(template="testapp/email/welcome", context={"name": "Ann <b>"})

    assert rendered.subject == "Welcome, Ann <b>"
    assert "Hello Ann <b>" in rendered.text
    assert "Ann &lt;b&gt;" in rendered.html


def test_nothing_is_sent_to_a_suppressed_address_in_any_case():
    email.suppression_add(address="Ann@Example.com", reason="bounce")

    sent = email.email_send(to="ann@example.com", subject="Hi", text="Hi")

    assert sent is False
    assert mail.outbox == []


def test_an_organization_s_unsubscribe_holds_for_it_only():
    email.suppression_add(address="ann@example.com", reason="unsubscribe", organization_id=1)

    assert (
        email.email_send(to="ann@example.com", subject="Hi", text="x", organization_id=1) is False
    )
    assert email.email_send(to="ann@example.com", subject="Hi", text="x", organization_id=2) is True


def _post(client, payload, secret=SECRET):
    auth = base64.b64encode(secret.encode()).decode()
    return client.post(
        WEBHOOK,
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


BOUNCE = {
    "RecordType": "Bounce",
    "ID": 4323372036854775807,
    "Type": "HardBounce",
    "TypeCode": 1,
    "Name": "Hard bounce",
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Description": "The server was unable to deliver your message (ex: unknown user).",
    "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
    "Email": "Gone@Example.com",
    "From": "news@acme.test",
    "BouncedAt": "2026-12-05T10:00:00Z",
    "Inactive": True,
    "CanActivate": True,
    "Subject": "December news",
    "Metadata": {"organization": "3"},
}


def test_a_bounce_webhook_suppresses_the_address_everywhere(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}

    answer = _post(client, BOUNCE)

    assert answer.status_code == 200
    row = Suppression.objects.get()
    assert (row.address, row.reason, row.organization_id) == ("gone@example.com", "bounce", 0)
    assert row.detail.startswith("Postmark: The server was unable")
    assert email.email_send(to="gone@example.com", subject="Hi", text="x") is False
    # Delivered twice, kept once.
    _post(client, BOUNCE)
    assert Suppression.objects.count() == 1


def test_a_spam_complaint_webhook_suppresses_the_address(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    complaint = {**BOUNCE, "RecordType": "SpamComplaint", "Type": "SpamComplaint", "TypeCode": 512}

    assert _post(client, complaint).status_code == 200

    assert Suppression.objects.get().reason == "complaint"


def test_a_webhook_without_the_secret_is_refused_and_changes_nothing(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}

    answer = _post(client, BOUNCE, secret="hooks:wrong")

    assert answer.status_code == 400
    assert not Suppression.objects.exists()


def test_a_delivery_event_suppresses_nothing(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    delivered = {
        "RecordType": "Delivery",
        "MessageID": "883953f4",
        "Recipient": "ann@example.com",
        "DeliveredAt": "2026-12-05T10:00:00Z",
        "Details": "Test delivery webhook details",
        "Tag": "campaign",
        "Metadata": {},
    }

    assert _post(client, delivered).status_code == 200
    assert not Suppression.objects.exists()
