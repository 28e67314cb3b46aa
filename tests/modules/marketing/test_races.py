"""Several workers sending one e-mail campaign at once, with real threads and connections
(PostgreSQL and MariaDB): each address gets its message once, whatever the interleaving."""

from collections import Counter

import pytest
from django.core import mail

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.leads.services import lead_create
from opsbase.modules.marketing import services
from opsbase.modules.marketing.constants import MailingState, RecipientStatus
from opsbase.modules.marketing.models import Mailing, Recipient
from opsbase.modules.marketing.services import (
    campaign_create,
    consent_create,
    mailing_batch_send,
    mailing_create,
    mailing_transition,
)
from opsbase.testing.concurrency import in_threads, needs_row_locks

READERS = 40


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_workers_sending_one_campaign_at_once_send_each_address_once(world, monkeypatch):
    manager = world.members[RoleKind.MANAGER]
    # Starting queues no job here: the six workers below are the senders.
    monkeypatch.setattr(services, "_queue", lambda mailing_id, tenant_id: None)
    addresses = [f"reader{n}@example.com" for n in range(READERS)]
    for n, email in enumerate(addresses):
        lead_create(membership=manager, name=f"Reader {n}", email=email)
        consent_create(membership=manager, email=email, source="Event sign-up")
    mailing = mailing_create(
        membership=manager,
        campaign=campaign_create(membership=manager, name="Newsletter"),
        subject="December news",
        body="Hello,\n\nRead https://example.com/news today.",
        site_url="http://testserver/",
    )
    mailing_transition(membership=manager, mailing=mailing, transition="start")
    mail.outbox.clear()

    def worker():
        batches = 0
        while mailing_batch_send(mailing_id=mailing.pk, tenant_id=mailing.tenant_id, size=5):
            batches += 1
        return batches

    batches = in_threads([worker] * 6, workers=6)

    assert Counter(message.to[0] for message in mail.outbox) == Counter(addresses)
    assert sum(batches) == READERS // 5
    statuses = Recipient.objects.for_tenant(mailing.tenant_id).filter(mailing=mailing)
    assert set(statuses.values_list("status", flat=True)) == {RecipientStatus.SENT}
    assert Mailing.objects.for_tenant(mailing.tenant_id).get(pk=mailing.pk).state == (
        MailingState.SENT
    )
