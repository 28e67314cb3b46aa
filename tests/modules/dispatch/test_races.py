"""Dispatch notes racing each other, with real threads and connections (PostgreSQL and
MariaDB): numbers never collide, and two notes carrying one bit issued at once send it out
once (the other is refused, naming the bit)."""

import pytest

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.workflows import state_history
from opsbase.modules.dispatch.models import DispatchNote
from opsbase.modules.dispatch.services import dispatchnote_create, dispatchnote_transition
from opsbase.modules.drillbits.models import DrillBit
from opsbase.testing.concurrency import in_threads, needs_row_locks

from .conftest import rig_of


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_notes_created_at_once_get_distinct_numbers(world):
    manager = world.members[RoleKind.MANAGER]
    rig = rig_of(world.home)

    def create():
        return dispatchnote_create(membership=manager, rig=rig).number

    numbers = in_threads([create for _ in range(16)])

    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 17))


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_one_bit_on_two_notes_issued_at_once_goes_out_once(world, make_bit):
    manager = world.members[RoleKind.MANAGER]
    bit = make_bit(world.home, "assigned")
    notes = [
        dispatchnote_create(membership=manager, rig=rig_of(world.home), bits=[bit])
        for _ in range(4)
    ]

    def issue(note):
        def job():
            try:
                dispatchnote_transition(membership=manager, dispatchnote=note, transition="issue")
            except ValidationError as exc:
                return str(exc.extra["fields"]["bits"][0])
            return "issued"

        return job

    answers = in_threads([issue(note) for note in notes])

    assert answers.count("issued") == 1
    assert all(bit.serial_number in a for a in answers if a != "issued")
    states = DispatchNote.objects.for_tenant(world.home).values_list("state", flat=True)
    assert sorted(states) == ["draft", "draft", "draft", "issued"]
    fresh = DrillBit.objects.for_tenant(world.home).get(pk=bit.pk)
    assert fresh.status == "in_field"
    assert [s.to_state for s in state_history(fresh)].count("in_field") == 1
