"""The analytics service: one call records an event in the caller's transaction; a Celery job
exports the waiting events in batches to PostHog (its HTTP boundary simulated with
``responses``, the PostHog SDK in the loop)."""

import gzip
import json
from decimal import Decimal

import pytest
import responses
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from opsbase.core.rls import rls_bypass
from opsbase.services.analytics import track
from opsbase.services.analytics.backends import ExportFailed
from opsbase.services.analytics.events import events_export
from opsbase.services.analytics.models import Event

HOST = "https://posthog.example.test"
BATCH_URL = f"{HOST}/batch/"
POSTHOG = {
    "posthog": {
        "BACKEND": "opsbase.services.analytics.backends.PostHogBackend",
        "OPTIONS": {"api_key": "phc_test", "host": HOST},
    }
}


def _events():
    with rls_bypass():
        return list(Event.objects.unscoped().order_by("pk"))


def _batches(calls):
    bodies = []
    for call in calls:
        raw = call.request.body
        if call.request.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        bodies.append(json.loads(raw))
    return bodies


@pytest.fixture
def posthog(settings):
    settings.OPSBASE_ANALYTICS_BACKENDS = POSTHOG
    settings.OPSBASE_ANALYTICS_EXPORT_DELAY = 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_track_records_who_what_when_properties_and_tenant(world, manager):
    event = track(manager, "invoice.paid", {"invoice": 7, "amount": "120.00"})

    stored = _events()
    assert [e.pk for e in stored] == [event.pk]
    assert stored[0].tenant_id == manager.tenant_id
    assert stored[0].actor_id == manager.user_id
    assert stored[0].name == "invoice.paid"
    assert stored[0].properties == {"invoice": 7, "amount": "120.00"}
    assert stored[0].occurred_at is not None


def test_a_rolled_back_write_records_no_event(world, manager):
    with pytest.raises(RuntimeError), transaction.atomic():
        track(manager, "lead.won", {"lead": 1})
        raise RuntimeError("the service's write failed")

    assert _events() == []


@pytest.mark.parametrize("name", ["Invoice Paid", "invoice", "invoice.", "1.paid", ""])
def test_an_event_name_is_noun_dot_verb(world, manager, name):
    with pytest.raises(ValidationError):
        track(manager, name)


def test_secret_looking_properties_are_masked(world, manager):
    track(manager, "token.created", {"api_key": "abc", "nested": {"password": "x", "ok": 1}})

    assert _events()[0].properties == {"api_key": "***", "nested": {"password": "***", "ok": 1}}


def test_a_system_event_names_its_tenant(world):
    track(None, "invoice.overdue", {"invoice": 3}, tenant=world.home)

    assert _events()[0].tenant_id == world.home.pk
    assert _events()[0].actor_id is None


def test_without_backends_events_stay_in_the_table(world, manager, settings):
    settings.OPSBASE_ANALYTICS_BACKENDS = {}
    track(manager, "task.completed")

    assert events_export() == 0
    assert _events()[0].exported_at is None


def test_events_reach_posthog_after_the_commit_with_the_sdk(
    world, manager, user, posthog, django_capture_on_commit_callbacks
):
    # Given PostHog answering its batch endpoint
    posthog.post(BATCH_URL, json={"status": 1})

    # When two services record events in one transaction that commits
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        track(manager, "invoice.paid", {"invoice": 7})
        track(user, "task.completed", {"task": 3})
        assert len(posthog.calls) == 0  # nothing leaves before the commit
    assert len(callbacks) == 1  # one export job for the transaction, not one per event

    # Then one request carried both, in order, with the project key
    assert len(posthog.calls) == 1
    (body,) = _batches(posthog.calls)
    assert body["api_key"] == "phc_test"
    assert [m["event"] for m in body["batch"]] == ["invoice.paid", "task.completed"]
    first = body["batch"][0]
    assert first["distinct_id"] == f"user-{manager.user_id}"
    assert first["properties"]["invoice"] == 7
    assert first["properties"]["$groups"] == {"organization": str(manager.tenant_id)}
    assert first["uuid"] == str(_events()[0].uuid)
    assert all(e.exported_at is not None for e in _events())


def test_a_refused_batch_stays_waiting_and_goes_on_the_next_run(world, manager, posthog):
    posthog.post(BATCH_URL, status=503, json={"detail": "overloaded"})
    track(manager, "lead.won", {"lead": 1})
    with pytest.raises(ExportFailed):
        events_export()
    # the batch was refused (Celery retries the job later): the event waits
    assert _events()[0].exported_at is None

    posthog.replace(responses.POST, BATCH_URL, json={"status": 1})
    assert events_export() == 1
    assert _events()[0].exported_at is not None
    # the retried event kept its uuid: PostHog keeps it once
    uuids = [b["batch"][0]["uuid"] for b in _batches(posthog.calls)]
    assert len(set(uuids)) == 1 and len(uuids) == 2


def test_export_raises_export_failed_for_celery_to_retry(world, manager, posthog, settings):
    settings.OPSBASE_ANALYTICS_BACKENDS = {}
    track(manager, "lead.won")
    settings.OPSBASE_ANALYTICS_BACKENDS = POSTHOG
    posthog.post(BATCH_URL, status=500, body="boom")

    with pytest.raises(ExportFailed):
        events_export()


def test_export_sends_batches_of_the_configured_size(world, manager, posthog, settings):
    settings.OPSBASE_ANALYTICS_BACKENDS = {}
    for n in range(5):
        track(manager, "task.created", {"task": n})
    settings.OPSBASE_ANALYTICS_BACKENDS = POSTHOG
    posthog.post(BATCH_URL, json={"status": 1})

    assert events_export(batch_size=2) == 5

    sizes = [len(b["batch"]) for b in _batches(posthog.calls)]
    assert sizes == [2, 2, 1]
    # an export run with nothing waiting sends nothing
    assert events_export() == 0
    assert len(posthog.calls) == 3


def test_export_query_count_does_not_grow_with_the_batch(world, manager, posthog, settings):
    from django.db import connection

    settings.OPSBASE_ANALYTICS_BACKENDS = {}
    for n in range(30):
        track(manager, "task.created", {"task": n})
    settings.OPSBASE_ANALYTICS_BACKENDS = POSTHOG
    posthog.post(BATCH_URL, json={"status": 1})

    with CaptureQueriesContext(connection) as queries:
        assert events_export(batch_size=50) == 30
    data = [q for q in queries.captured_queries if "analytics_events" in q["sql"]]
    assert len(data) == 2  # one read of the batch, one update marking it exported


# -- the modules' services record their events ------------------------------------------------


def test_completing_a_task_records_task_completed(world, manager):
    from opsbase.modules.tasks.services import task_create, task_transition

    task = task_create(membership=manager, title="Check the pumps", notify=False)
    task_transition(membership=manager, task=task, transition="complete")

    names = [(e.name, e.properties.get("task")) for e in _events()]
    assert names == [("task.created", task.pk), ("task.completed", task.pk)]
    assert all(e.actor_id == manager.user_id for e in _events())


def test_winning_a_lead_records_lead_won(world, admin):
    from opsbase.modules.leads.models import Stage
    from opsbase.modules.leads.services import lead_create, lead_move

    lead = lead_create(
        membership=admin, name="Ada Park", email="ada@initech.test", value=Decimal("1000")
    )
    won = Stage.objects.for_tenant(admin.tenant).get(pipeline=lead.pipeline, kind="won")
    lead_move(membership=admin, lead=lead, stage=won)

    assert [e.name for e in _events()] == ["lead.created", "lead.won"]
    assert _events()[1].properties["lead"] == lead.pk


def test_a_refused_write_records_no_event(world, user, admin):
    from opsbase.core.exceptions import PermissionDenied
    from opsbase.modules.tasks.services import task_create, task_transition

    task = task_create(membership=admin, title="Admin's own task", notify=False)
    with pytest.raises((PermissionDenied, Exception)):
        task_transition(membership=user, task=task, transition="complete")

    assert [e.name for e in _events()] == ["task.created"]
