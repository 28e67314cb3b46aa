"""Workflows: declared transitions are the only way a status changes."""

import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection, models, transaction
from django.test.utils import isolate_apps
from django.utils import timezone

from opsbase.core.exceptions import InvalidTransition, NotFound, PermissionDenied, ValidationError
from opsbase.core.models import StateChange, TenantManager, TenantOwnedModel
from opsbase.kernel.audit import services as audit_services
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.workflows import (
    StateField,
    Transition,
    Workflow,
    state_durations,
    state_history,
    transition_apply,
    transitions_available,
)
from tests.testapp.constants import TICKET_WORKFLOW, TicketStatus
from tests.testapp.models import Ticket

MANAGER, USER = RoleKind.MANAGER, RoleKind.USER


def ticket_for(membership, **fields) -> Ticket:
    return Ticket.objects.create(
        tenant=membership.tenant, owner=membership.user, title="Pump 3 leaks", **fields
    )


def stored_status(ticket) -> str:
    return Ticket.objects.for_tenant(ticket.tenant_id).get(pk=ticket.pk).status


def moved(membership, ticket, *names, **values):
    for name in names:
        ticket = transition_apply(membership=membership, obj=ticket, transition=name, **values)
    return ticket


# -- applying -------------------------------------------------------------------------------


def test_a_declared_transition_moves_the_state_and_updates_the_callers_object(world):
    user = world.members[USER]
    ticket = ticket_for(user)

    saved = transition_apply(membership=user, obj=ticket, transition="start")

    assert saved.status == TicketStatus.IN_PROGRESS
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert stored_status(ticket) == TicketStatus.IN_PROGRESS


def test_a_transition_from_another_state_is_refused_naming_the_allowed_ones(world):
    manager = world.members[MANAGER]
    ticket = ticket_for(manager)

    with pytest.raises(InvalidTransition) as caught:
        transition_apply(membership=manager, obj=ticket, transition="complete")

    assert caught.value.extra["allowed"] == ["start", "cancel"]
    assert caught.value.extra["state"] == TicketStatus.OPEN
    assert "Open" in caught.value.message
    assert "start, cancel" in caught.value.message
    assert stored_status(ticket) == TicketStatus.OPEN


def test_the_allowed_list_leaves_out_what_the_member_may_not_do(world):
    user = world.members[USER]
    ticket = ticket_for(user)

    with pytest.raises(InvalidTransition) as caught:
        transition_apply(membership=user, obj=ticket, transition="reopen")

    assert caught.value.extra["allowed"] == ["start"]


def test_an_undeclared_transition_is_refused_naming_the_allowed_ones(world):
    manager = world.members[MANAGER]
    ticket = ticket_for(manager)

    with pytest.raises(InvalidTransition, match="no “teleport” transition") as caught:
        transition_apply(membership=manager, obj=ticket, transition="teleport")

    assert caught.value.extra["allowed"] == ["start", "cancel"]


def test_a_source_set_and_a_chain_of_transitions_work(world):
    manager = world.members[MANAGER]
    ticket = ticket_for(manager, checklist_done=True)

    ticket = moved(manager, ticket, "start", "complete")
    ticket = moved(manager, ticket, "reopen")

    assert stored_status(ticket) == TicketStatus.OPEN


def test_the_guard_reason_is_the_error_and_nothing_changes(world):
    user = world.members[USER]
    ticket = moved(user, ticket_for(user), "start")

    with pytest.raises(InvalidTransition, match="Tick every checklist item first."):
        transition_apply(membership=user, obj=ticket, transition="complete")

    assert stored_status(ticket) == TicketStatus.IN_PROGRESS


def test_the_guard_sees_the_row_as_it_is_in_the_database(world):
    user = world.members[USER]
    ticket = moved(user, ticket_for(user), "start")
    Ticket.objects.for_tenant(world.home).filter(pk=ticket.pk).update(checklist_done=True)

    # The caller's copy is stale (checklist_done False); the locked row is what counts.
    transition_apply(membership=user, obj=ticket, transition="complete")

    assert stored_status(ticket) == TicketStatus.DONE


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_required_field_must_be_given(world, reason):
    user = world.members[USER]
    ticket = moved(user, ticket_for(user), "start")
    values = {} if reason is None else {"reason": reason}

    with pytest.raises(ValidationError) as caught:
        transition_apply(membership=user, obj=ticket, transition="block", **values)

    assert caught.value.extra["fields"] == {"reason": ["This field is required."]}
    assert stored_status(ticket) == TicketStatus.IN_PROGRESS


def test_a_field_the_transition_does_not_take_is_refused(world):
    user = world.members[USER]
    ticket = ticket_for(user)

    with pytest.raises(ValidationError) as caught:
        transition_apply(membership=user, obj=ticket, transition="start", reason="why not")

    assert list(caught.value.extra["fields"]) == ["reason"]


def test_a_required_value_that_is_a_model_field_is_saved_on_the_row(world):
    manager = world.members[MANAGER]
    ticket = ticket_for(manager)

    transition_apply(
        membership=manager, obj=ticket, transition="cancel", resolution="  Duplicate of #4 "
    )

    stored = Ticket.objects.for_tenant(world.home).get(pk=ticket.pk)
    assert (stored.status, stored.resolution) == (TicketStatus.CANCELLED, "Duplicate of #4")
    assert ticket.resolution == "Duplicate of #4"


def test_a_model_field_value_is_validated_by_the_field(world):
    manager = world.members[MANAGER]
    ticket = ticket_for(manager)

    with pytest.raises(ValidationError) as caught:
        transition_apply(membership=manager, obj=ticket, transition="cancel", resolution="x" * 201)

    assert "resolution" in caught.value.extra["fields"]
    assert stored_status(ticket) == TicketStatus.OPEN


# -- who may --------------------------------------------------------------------------------


def test_a_role_without_the_codename_is_refused_with_the_rules_reason(world):
    user = world.members[USER]
    ticket = ticket_for(user)

    with pytest.raises(PermissionDenied, match="Only a Manager can cancel or reopen tickets."):
        transition_apply(membership=user, obj=ticket, transition="cancel", resolution="No")

    assert stored_status(ticket) == TicketStatus.OPEN


def test_a_user_cannot_move_another_members_ticket(world):
    ticket = ticket_for(world.spare)

    with pytest.raises(PermissionDenied, match="owner or a Manager"):
        transition_apply(membership=world.members[USER], obj=ticket, transition="start")


def test_a_manager_can_move_another_members_ticket(world):
    ticket = ticket_for(world.spare)

    transition_apply(membership=world.members[MANAGER], obj=ticket, transition="start")

    assert stored_status(ticket) == TicketStatus.IN_PROGRESS


def test_an_inactive_membership_is_refused(world):
    user = world.members[USER]
    ticket = ticket_for(user)
    user.is_active = False

    with pytest.raises(PermissionDenied):
        transition_apply(membership=user, obj=ticket, transition="start")


def test_another_tenants_object_is_not_found(world):
    foreign = ticket_for(world.away_members[RoleKind.ADMIN])
    admin = world.members[RoleKind.ADMIN]

    with pytest.raises(NotFound):
        transition_apply(membership=admin, obj=foreign, transition="start")
    with pytest.raises(NotFound):
        transitions_available(membership=admin, obj=foreign)
    assert stored_status(foreign) == TicketStatus.OPEN


# -- nothing goes around it -----------------------------------------------------------------


def test_assigning_the_status_and_saving_is_refused(world):
    ticket = ticket_for(world.members[USER])
    ticket.status = TicketStatus.DONE

    with pytest.raises(InvalidTransition, match="transition_apply"), transaction.atomic():
        ticket.save()

    assert stored_status(ticket) == TicketStatus.OPEN


def test_assigning_the_status_and_saving_only_that_field_is_refused(world):
    ticket = ticket_for(world.members[USER])
    ticket.status = TicketStatus.DONE

    with pytest.raises(InvalidTransition), transaction.atomic():
        ticket.save(update_fields=["status"])

    assert stored_status(ticket) == TicketStatus.OPEN


def test_a_stale_copy_cannot_save_its_old_status_over_a_transition(world):
    user = world.members[USER]
    ticket = ticket_for(user)
    stale = Ticket.objects.for_tenant(world.home).get(pk=ticket.pk)
    transition_apply(membership=user, obj=ticket, transition="start")

    stale.title = "Pump 3 leaks badly"
    with pytest.raises(InvalidTransition, match="reload"), transaction.atomic():
        stale.save()

    assert stored_status(ticket) == TicketStatus.IN_PROGRESS


def test_saving_other_fields_and_reloading_still_work(world):
    user = world.members[USER]
    ticket = ticket_for(user)
    stale = Ticket.objects.for_tenant(world.home).get(pk=ticket.pk)
    transition_apply(membership=user, obj=ticket, transition="start")

    stale.title = "Renamed"
    stale.save(update_fields=["title"])
    stale.refresh_from_db()
    stale.checklist_done = True
    stale.save()

    stored = Ticket.objects.for_tenant(world.home).get(pk=ticket.pk)
    assert (stored.title, stored.status, stored.checklist_done) == (
        "Renamed",
        TicketStatus.IN_PROGRESS,
        True,
    )


def test_a_new_object_starts_in_an_initial_state_only(world):
    user = world.members[USER]

    assert ticket_for(user).status == TicketStatus.OPEN
    with pytest.raises(InvalidTransition, match="starts as open"), transaction.atomic():
        ticket_for(user, status=TicketStatus.DONE)
    with pytest.raises(InvalidTransition), transaction.atomic():
        Ticket.objects.bulk_create(
            [Ticket(tenant=world.home, owner=user.user, title="x", status=TicketStatus.DONE)]
        )
    assert Ticket.objects.for_tenant(world.home).count() == 1


def test_queryset_update_of_the_status_is_refused(world):
    ticket = ticket_for(world.members[USER])
    tickets = Ticket.objects.for_tenant(world.home)

    with pytest.raises(InvalidTransition, match="update"):
        tickets.update(status=TicketStatus.DONE)
    with pytest.raises(InvalidTransition):
        tickets.filter(pk=ticket.pk).update(title="Other", status=TicketStatus.DONE)
    assert tickets.update(title="Other") == 1
    assert stored_status(ticket) == TicketStatus.OPEN


def test_bulk_update_of_the_status_is_refused(world):
    ticket = ticket_for(world.members[USER])
    ticket.status = TicketStatus.DONE

    with pytest.raises(InvalidTransition), transaction.atomic():
        Ticket.objects.for_tenant(world.home).bulk_update([ticket], ["status"])

    assert stored_status(ticket) == TicketStatus.OPEN


# -- what can be done now -------------------------------------------------------------------


def test_available_transitions_say_which_are_allowed_and_why_not(world):
    user = world.members[USER]
    ticket = ticket_for(user)

    options = {o.name: o for o in transitions_available(membership=user, obj=ticket)}

    assert list(options) == ["start", "cancel"]
    assert options["start"].allowed and options["start"].reason == ""
    assert options["start"].target_label == "In progress"
    assert not options["cancel"].allowed
    assert options["cancel"].reason == "Only a Manager can cancel or reopen tickets."
    assert options["cancel"].required_fields == ("resolution",)


def test_available_transitions_carry_the_guard_reason(world):
    user = world.members[USER]
    ticket = moved(user, ticket_for(user), "start")

    options = {o.name: o for o in transitions_available(membership=user, obj=ticket)}

    assert options["block"].allowed
    assert options["complete"].as_dict() | {"allowed": False} == options["complete"].as_dict()
    assert options["complete"].reason == "Tick every checklist item first."


def test_available_transitions_can_list_the_unreachable_ones(world):
    manager = world.members[MANAGER]
    ticket = ticket_for(manager)

    options = transitions_available(membership=manager, obj=ticket, include_unreachable=True)

    assert [o.name for o in options] == [t.name for t in TICKET_WORKFLOW.transitions]
    refused = {o.name: o.reason for o in options if not o.allowed}
    assert refused == {
        "block": "Not possible while it is Open.",
        "unblock": "Not possible while it is Open.",
        "complete": "Not possible while it is Open.",
        "reopen": "Not possible while it is Open.",
    }


# -- audit and time in state ----------------------------------------------------------------


def test_a_transition_is_recorded_in_the_audit_log(world, monkeypatch):
    events = []
    monkeypatch.setattr(audit_services, "audit_event", lambda **kw: events.append(kw))
    user = world.members[USER]
    ticket = moved(user, ticket_for(user), "start")
    events.clear()

    transition_apply(membership=user, obj=ticket, transition="block", reason="Waiting for parts")

    [event] = events
    assert event["action"] == "ticket.transition.block"
    assert event["tenant"] == world.home
    assert event["actor"] == user.user
    assert event["target"].pk == ticket.pk
    assert event["changes"] == {
        "status": ("in_progress", "blocked"),
        "reason": (None, "Waiting for parts"),
    }


def test_the_audit_log_holds_the_transition_with_its_values(world):
    from opsbase.kernel.audit.models import AuditEvent

    user = world.members[USER]
    ticket = moved(user, ticket_for(user), "start")

    transition_apply(membership=user, obj=ticket, transition="block", reason="Waiting for parts")

    event = AuditEvent.objects.for_tenant(world.home).get(action="ticket.transition.block")
    assert event.actor == user.user
    assert (event.target_type, event.target_id) == ("testapp.ticket", str(ticket.pk))
    assert event.changes["status"] == {"old": "in_progress", "new": "blocked"}
    assert event.changes["reason"]["new"] == "Waiting for parts"


def test_a_refused_transition_records_nothing(world, monkeypatch):
    events = []
    monkeypatch.setattr(audit_services, "audit_event", lambda **kw: events.append(kw))
    user = world.members[USER]
    ticket = ticket_for(user)

    with pytest.raises(PermissionDenied):
        transition_apply(membership=user, obj=ticket, transition="cancel", resolution="No")

    assert events == []
    assert not state_history(ticket).exists()


def test_time_in_state_is_recorded_per_stay(world):
    user = world.members[USER]
    ticket = ticket_for(user)
    two_hours_ago = timezone.now() - timedelta(hours=2)
    Ticket.objects.for_tenant(world.home).filter(pk=ticket.pk).update(created_at=two_hours_ago)
    ticket.refresh_from_db()

    ticket = moved(user, ticket, "start")
    ticket = moved(user, ticket, "block", reason="Waiting for parts")

    stays = list(state_history(ticket))
    assert [(s.from_state, s.to_state, s.transition) for s in stays] == [
        ("", "open", ""),
        ("open", "in_progress", "start"),
        ("in_progress", "blocked", "block"),
    ]
    assert stays[0].entered_at == two_hours_ago
    assert stays[0].duration_seconds == pytest.approx(7200, abs=60)
    assert stays[1].actor == user.user and stays[1].left_at is not None
    assert stays[2].left_at is None and stays[2].data == {"reason": "Waiting for parts"}


def test_state_durations_add_up_the_stays(world):
    user = world.members[USER]
    ticket = ticket_for(user)
    Ticket.objects.for_tenant(world.home).filter(pk=ticket.pk).update(
        created_at=timezone.now() - timedelta(hours=3)
    )
    ticket.refresh_from_db()
    ticket = moved(user, ticket, "start")
    ticket = moved(user, ticket, "block", reason="Parts")
    ticket = moved(user, ticket, "unblock")
    # Pretend the stays lasted longer than the test does.
    StateChange.objects.for_tenant(world.home).filter(to_state="blocked").update(
        duration_seconds=1800
    )
    later = timezone.now() + timedelta(minutes=45)

    durations = state_durations(ticket, now=later)

    assert durations["open"] == pytest.approx(timedelta(hours=3), abs=timedelta(minutes=1))
    assert durations["blocked"] == timedelta(minutes=30)
    assert durations["in_progress"] == pytest.approx(
        timedelta(minutes=45), abs=timedelta(minutes=1)
    )


def test_an_object_that_never_moved_has_been_in_its_initial_state_since_creation(world):
    ticket = ticket_for(world.members[USER])

    durations = state_durations(ticket, now=ticket.created_at + timedelta(minutes=5))

    assert durations == {"open": timedelta(minutes=5)}


def test_state_history_is_scoped_to_the_objects_tenant(world):
    home_ticket = moved(world.members[USER], ticket_for(world.members[USER]), "start")
    away_admin = world.away_members[RoleKind.ADMIN]
    away_ticket = moved(away_admin, ticket_for(away_admin), "start")

    assert {s.tenant_id for s in state_history(home_ticket)} == {world.home.pk}
    assert {s.tenant_id for s in state_history(away_ticket)} == {world.away.pk}


# -- concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_moves_from_the_same_state_let_exactly_one_through(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    from opsbase.testing.matrix import build_world

    world = build_world()
    manager = world.members[MANAGER]
    ticket = ticket_for(manager)
    # A slow guard keeps the first writer inside its transaction while the second arrives.
    original = Transition.blocked_by

    def slow(self, obj, membership):
        time.sleep(0.3)
        return original(self, obj, membership)

    monkeypatch.setattr(Transition, "blocked_by", slow)
    start = threading.Barrier(2)
    outcomes = []

    def attempt():
        from django.db import connections

        copy = Ticket.objects.for_tenant(world.home).get(pk=ticket.pk)
        start.wait()
        try:
            transition_apply(membership=manager, obj=copy, transition="start")
            outcomes.append("moved")
        except InvalidTransition as exc:
            outcomes.append(exc.extra["state"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["in_progress", "moved"]
    assert stored_status(ticket) == TicketStatus.IN_PROGRESS
    assert [s.to_state for s in state_history(ticket)] == ["open", "in_progress"]


# -- declaring ------------------------------------------------------------------------------


def test_a_workflow_naming_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="unknown state 'archived'"):
        Workflow(
            states=TicketStatus,
            initial=TicketStatus.OPEN,
            transitions=[Transition("archive", source="done", target="archived")],
        )


def test_a_workflow_with_a_transition_declared_twice_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        Workflow(
            states=TicketStatus,
            initial=TicketStatus.OPEN,
            transitions=[
                Transition("close", source="open", target="done"),
                Transition("close", source="blocked", target="done"),
            ],
        )


def test_any_source_means_every_state_but_the_target():
    reset = Transition("reset", source="*", target=TicketStatus.OPEN)

    assert reset.leaves("done") and reset.leaves("blocked")
    assert not reset.leaves("open")


def test_the_state_field_reaches_migrations_as_a_plain_charfield():
    _name, path, _args, kwargs = Ticket._meta.get_field("status").deconstruct()

    assert path == "django.db.models.CharField"
    assert kwargs["default"] == "open"
    assert "workflow" not in kwargs


def test_the_ticket_model_passes_the_system_checks():
    assert Ticket._meta.get_field("status").check() == []


@isolate_apps("tests.testapp")
def test_a_state_field_without_a_workflow_manager_fails_the_system_check():
    class Loose(TenantOwnedModel):
        status = StateField(workflow=TICKET_WORKFLOW)
        objects = TenantManager()

        class Meta:
            app_label = "testapp"

    ids = [e.id for e in Loose._meta.get_field("status").check()]

    assert ids == ["opsbase.E102"]
    assert isinstance(Loose._meta.get_field("status"), models.CharField)


def test_a_transitions_effects_come_from_a_callable_or_a_dotted_path():
    by_callable = Transition(
        "close", source="open", target="closed", effects=lambda obj, who: {"note": obj}
    )
    by_path = Transition(
        "finish",
        source="open",
        target="done",
        effects="opsbase.modules.tasks.services.task_completion_effects",
    )
    done = SimpleNamespace(status="done")  # the workflow passes the row in its new state

    assert by_callable.effects_on("row", None) == {"note": "row"}
    assert Transition("plain", source="open", target="closed").effects_on("row", None) == {}
    assert by_path.effects_on(done, None)["completed_at"] is not None
    assert by_path.effects_on(SimpleNamespace(status="todo"), None) == {"completed_at": None}
