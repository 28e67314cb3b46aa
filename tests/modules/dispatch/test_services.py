"""Dispatch notes: numbered per organization; issuing moves the bits through their own
workflow in the same transaction (or refuses naming the bit, changing nothing); a return
note brings them back; the PDF; the Technician and Production Manager templates."""

import pytest
from django.utils import timezone

from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.roles.services import role_create_from_template
from opsbase.modules.dispatch.models import DispatchNote
from opsbase.modules.dispatch.services import dispatchnote_create, dispatchnote_transition
from opsbase.modules.drillbits.models import DrillBit
from opsbase.testing.api import token_client
from opsbase.testing.factories import MembershipFactory, UserFactory
from opsbase.testing.matrix import session_client

from .conftest import rig_of

API = "/api/v1/dispatches/"


def _status(bit):
    return DrillBit.objects.for_tenant(bit.tenant_id).get(pk=bit.pk).status


def test_notes_are_numbered_per_organization_and_year(world, manager, make_note):
    first = make_note(world.home)
    second = make_note(world.home)
    away = make_note(world.away)

    year = timezone.localdate().year
    assert (first.number, second.number) == (f"DN-{year}-0001", f"DN-{year}-0002")
    assert away.number == f"DN-{year}-0001"


def test_issuing_an_outbound_note_sends_every_bit_to_the_field(world, manager, make_bit):
    assigned, in_stock = make_bit(world.home, "assigned"), make_bit(world.home, "in_stock")
    note = dispatchnote_create(
        membership=manager, rig=rig_of(world.home), bits=[assigned, in_stock]
    )

    answer = token_client(manager).post(f"{API}{note.pk}/transition/", {"to": "issued"})

    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "issued"
    assert {b["status"] for b in answer.json()["bits"]} == {"in_field"}
    assert _status(assigned) == _status(in_stock) == "in_field"
    # The bit taken from stock went to the note's rig.
    assert DrillBit.objects.for_tenant(world.home).get(pk=in_stock.pk).rig_id == note.rig_id
    moves = sorted(
        AuditEvent.objects.for_tenant(world.home)
        .filter(
            target_type="drillbits.drillbit",
            target_id__in=[str(assigned.pk), str(in_stock.pk)],
            created_at__gte=note.created_at,
        )
        .values_list("action", flat=True)
    )
    assert moves == [
        "drillbit.transition.assign",
        "drillbit.transition.deploy",
        "drillbit.transition.deploy",
        "update",
    ]
    assert audit_chain_verify(tenant=world.home).ok


def test_a_bit_in_the_wrong_state_refuses_the_whole_issue(world, manager, make_bit):
    good = make_bit(world.home, "assigned")
    wrong = make_bit(world.home, "assigned")
    note = dispatchnote_create(membership=manager, rig=rig_of(world.home), bits=[good, wrong])
    # The bit went to the field another way after it was put on the note.
    dispatchnote_transition(
        membership=manager,
        dispatchnote=dispatchnote_create(membership=manager, rig=rig_of(world.home), bits=[wrong]),
        transition="issue",
    )
    events = AuditEvent.objects.for_tenant(world.home).count()

    answer = token_client(manager).post(f"{API}{note.pk}/transition/", {"to": "issued"})

    assert answer.status_code == 400
    problems = answer.json()["error"]["fields"]["bits"]
    assert wrong.serial_number in problems[0] and "In field" in problems[0]
    assert DispatchNote.objects.for_tenant(world.home).get(pk=note.pk).state == "draft"
    assert _status(good) == "assigned"
    assert AuditEvent.objects.for_tenant(world.home).count() == events


def test_a_note_without_bits_cannot_be_issued(world, manager):
    note = dispatchnote_create(membership=manager, rig=rig_of(world.home))

    answer = token_client(manager).post(f"{API}{note.pk}/transition/", {"to": "issued"})

    assert answer.status_code == 400
    assert "Add at least one drill bit" in answer.content.decode()


def test_a_return_note_brings_the_bits_back_to_returned(world, manager, make_note):
    outbound = make_note(world.home, states=("assigned", "in_stock"))
    dispatchnote_transition(membership=manager, dispatchnote=outbound, transition="issue")
    bits = list(DrillBit.objects.for_tenant(world.home).filter(status="in_field"))
    assert len(bits) == 2

    client = token_client(manager)
    created = client.post(
        API,
        {"kind": "return", "rig": outbound.rig_id, "bits": [b.pk for b in bits]},
        format="json",
    )
    assert created.status_code == 201, created.content
    issued = client.post(f"{API}{created.json()['id']}/transition/", {"to": "issued"})

    assert issued.status_code == 200, issued.content
    assert [_status(b) for b in bits] == ["returned", "returned"]


def test_a_bit_that_cannot_go_on_the_note_is_a_field_error(world, manager, make_bit):
    new_bit = make_bit(world.home, "new")
    foreign = make_bit(world.away, "assigned")
    client = token_client(manager)

    wrong_state = client.post(
        API, {"rig": rig_of(world.home).pk, "bits": [new_bit.pk]}, format="json"
    )
    other_org = client.post(
        API, {"rig": rig_of(world.home).pk, "bits": [foreign.pk]}, format="json"
    )
    no_place = client.post(API, {"kind": "outbound"}, format="json")

    assert wrong_state.status_code == 400
    assert new_bit.serial_number in wrong_state.json()["error"]["fields"]["bits"][0]
    assert other_org.status_code == 400 and "bits" in other_org.json()["error"]["fields"]
    assert no_place.status_code == 400 and "rig" in no_place.json()["error"]["fields"]
    assert not DispatchNote.objects.for_tenant(world.home).exists()


def test_an_issued_note_is_no_longer_changed(world, manager, make_note):
    note = make_note(world.home)
    dispatchnote_transition(membership=manager, dispatchnote=note, transition="issue")

    answer = token_client(manager).patch(f"{API}{note.pk}/", {"carrier": "X"}, format="json")
    gone = token_client(manager).delete(f"{API}{note.pk}/")

    assert answer.status_code == 400
    assert gone.status_code == 409


def test_the_pdf_of_a_note_lists_it(world, manager, make_note):
    note = make_note(world.home, states=("assigned", "in_stock"))

    answer = session_client(manager).get(f"/dispatch/{note.pk}/pdf/")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")


def test_another_organizations_note_is_not_found(world, manager, make_note):
    away = make_note(world.away)

    assert session_client(manager).get(f"/dispatch/{away.pk}/pdf/").status_code == 404
    assert session_client(manager).get(f"/dispatch/{away.pk}/").status_code == 404
    assert token_client(manager).get(f"{API}{away.pk}/").status_code == 404
    moved = token_client(manager).post(f"{API}{away.pk}/transition/", {"to": "issued"})
    assert moved.status_code == 404


@pytest.mark.parametrize(
    ("slug", "may_create"), [("technician", False), ("production-manager", True)]
)
def test_role_templates_give_technicians_sight_and_production_managers_everything(
    world, make_note, slug, may_create
):
    role = role_create_from_template(membership=world.members["admin"], slug=slug)
    member = MembershipFactory(
        tenant=world.home, role=role, user=UserFactory(email=f"{slug}@acme.test")
    )
    note = make_note(world.home)
    client = token_client(member)

    seen = client.get(f"{API}{note.pk}/")
    created = client.post(API, {"rig": rig_of(world.home).pk}, format="json")
    issued = client.post(f"{API}{note.pk}/transition/", {"to": "issued"})

    assert seen.status_code == 200
    assert created.status_code == (201 if may_create else 403)
    assert issued.status_code == (200 if may_create else 403)


def test_a_refused_issue_on_the_page_says_which_bit(world, manager, make_bit):
    bit = make_bit(world.home, "assigned")
    note = dispatchnote_create(membership=manager, rig=rig_of(world.home), bits=[bit])
    other = dispatchnote_create(membership=manager, rig=rig_of(world.home), bits=[bit])
    dispatchnote_transition(membership=manager, dispatchnote=other, transition="issue")
    client = session_client(manager)

    answer = client.post(f"/dispatch/{note.pk}/transition/", {"transition": "issue"})
    page = client.get(answer["Location"])

    assert answer.status_code == 302
    assert bit.serial_number in page.content.decode()
    assert DispatchNote.objects.for_tenant(world.home).get(pk=note.pk).state == "draft"


def test_the_detail_page_lists_the_bits_and_links_the_pdf(world, manager, make_note):
    note = make_note(world.home, states=("assigned", "in_stock"))

    page = session_client(manager).get(f"/dispatch/{note.pk}/").content.decode()

    assert page.count('data-testid="dispatchnote-bit"') == 2
    assert f"/dispatch/{note.pk}/pdf/" in page


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def test_lists_and_a_note_cost_the_same_for_few_or_many(world, manager, make_note):
    page, api = session_client(manager), token_client(manager)
    small = make_note(world.home, states=("assigned",))
    big = make_note(world.home, states=("assigned",) * 6)

    def measure(note):
        return [
            _queries(page, "/dispatch/"),
            _queries(api, API),
            _queries(page, f"/dispatch/{note.pk}/"),
            _queries(api, f"{API}{note.pk}/"),
        ]

    measure(small)  # the session, the token and the caches warm
    few = measure(small)
    for _ in range(8):
        make_note(world.home)
    measure(big)  # the caches of the organization's new version warm
    many = measure(big)

    assert many == few
    assert max(few) <= 30, few
