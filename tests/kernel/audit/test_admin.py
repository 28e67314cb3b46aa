"""The Django admin shows the audit log and changes nothing."""

import pytest
from django.urls import reverse

from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.audit.services import audit_event
from opsbase.testing.factories import UserFactory


@pytest.fixture
def superuser_client(client, db):
    user = UserFactory(email="root@example.test", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def event(world):
    return audit_event(tenant=world.home, actor=None, action="test.admin", target_label="Pump")


def test_the_admin_lists_events_of_every_tenant(superuser_client, event, world):
    audit_event(tenant=world.away, actor=None, action="test.admin", target_label="Globex pump")

    response = superuser_client.get(reverse("admin:audit_auditevent_changelist"))

    assert response.status_code == 200
    assert b"Globex pump" in response.content and b"Pump" in response.content


def test_the_admin_shows_an_event_read_only(superuser_client, event, world):
    url = reverse("admin:audit_auditevent_change", args=[event.pk])

    assert superuser_client.get(url).status_code == 200
    assert superuser_client.post(url, {"target_label": "rewritten"}).status_code == 403
    assert AuditEvent.objects.for_tenant(world.home).get(pk=event.pk).target_label == "Pump"


def test_the_admin_cannot_add_or_delete_events(superuser_client, event):
    assert superuser_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
