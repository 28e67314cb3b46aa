"""Export runs at once (two Celery workers, a retry overlapping a run), with real threads and
connections (PostgreSQL and MariaDB): each event reaches the backend once (SKIP LOCKED)."""

import threading
import time
from collections import Counter

import pytest

from opsbase.core.rls import rls_bypass
from opsbase.kernel.roles.constants import RoleKind
from opsbase.services.analytics import track
from opsbase.services.analytics.backends import AnalyticsBackend
from opsbase.services.analytics.events import events_export
from opsbase.services.analytics.models import Event
from opsbase.testing.concurrency import in_threads, needs_row_locks

EVENTS = 120


class Recording(AnalyticsBackend):
    """A backend that keeps what it was sent, slowly enough for runs to overlap."""

    sent: list[str] = []
    lock = threading.Lock()

    def send(self, events):
        time.sleep(0.02)
        with self.lock:
            self.sent.extend(event.uuid for event in events)


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_export_runs_at_once_send_each_event_once(world, settings):
    member = world.members[RoleKind.USER]
    settings.OPSBASE_ANALYTICS_BACKENDS = {}  # recorded only: nothing exports yet
    for n in range(EVENTS):
        track(member, "task.completed", {"task": n})
    settings.OPSBASE_ANALYTICS_BACKENDS = {
        "recording": {"BACKEND": f"{__name__}.Recording"},
    }
    Recording.sent = []

    counts = in_threads([lambda: events_export(batch_size=10)] * 4, workers=4)

    with rls_bypass():
        events = list(Event.objects.unscoped().values_list("uuid", "exported_at"))
    assert sum(counts) == EVENTS
    assert Counter(Recording.sent) == Counter(str(uuid) for uuid, _at in events)
    assert all(at is not None for _uuid, at in events)
