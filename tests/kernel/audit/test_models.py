"""The audit log is append-only through Django, and tenant-scoped like all tenant data."""

import pytest

from opsbase.core.exceptions import TenantScopeRequired
from opsbase.kernel.audit.exceptions import AuditLogImmutable
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.audit.services import audit_event


@pytest.fixture
def event(world):
    return audit_event(tenant=world.home, actor=None, action="test.append_only", target_label="x")


def test_a_saved_event_cannot_be_saved_again(event):
    event.target_label = "rewritten"
    with pytest.raises(AuditLogImmutable):
        event.save()


def test_an_event_cannot_be_deleted(event, world):
    with pytest.raises(AuditLogImmutable):
        event.delete()
    assert AuditEvent.objects.for_tenant(world.home).filter(pk=event.pk).exists()


def test_querysets_cannot_update_or_delete_events(event, world):
    events = AuditEvent.objects.for_tenant(world.home)
    with pytest.raises(AuditLogImmutable):
        events.update(action="other")
    with pytest.raises(AuditLogImmutable):
        events.delete()
    with pytest.raises(AuditLogImmutable):
        events.bulk_update([event], ["action"])
    assert events.get(pk=event.pk).action == "test.append_only"


def test_events_are_not_created_around_the_chain(world):
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.create(tenant=world.home, chain=world.home.pk, action="forged")
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.bulk_create(
            [AuditEvent(tenant=world.home, chain=world.home.pk, action="forged")]
        )


def test_reading_events_needs_a_tenant(event):
    with pytest.raises(TenantScopeRequired):
        list(AuditEvent.objects.all())
