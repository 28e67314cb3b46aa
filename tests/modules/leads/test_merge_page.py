"""The merge screen: a flagged duplicate links to a side-by-side comparison; the member picks
each field, the merge keeps every activity, and the kept lead's page undoes it exactly."""

import pytest

from opsbase.modules.leads.models import Activity, Lead, LeadMerge
from opsbase.modules.leads.services import activity_add
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client

from .test_services import _state


@pytest.fixture
def pair(manager, make_lead):
    first = make_lead(manager, name="Ada Park", email="ada@initech.test", company="")
    second = make_lead(
        manager, name="Ada P.", email="ADA@initech.test", phone="+14155550101", company="Initech"
    )
    activity_add(membership=manager, lead=first, kind="call", body="Called Ada")
    activity_add(membership=manager, lead=second, kind="note", body="Met at the fair")
    return first, second


def test_a_flagged_duplicate_links_to_the_comparison(manager, pair):
    first, second = pair
    client = session_client(manager)

    page = client.get(f"/leads/{second.pk}/")
    compare = client.get(f"/leads/{second.pk}/merge/{first.pk}/")

    assert second.duplicate_of_id == first.pk
    assert 'data-testid="lead-duplicate"' in page.content.decode()
    assert f"/leads/{second.pk}/merge/{first.pk}/" in page.content.decode()
    assert compare.status_code == 200
    assert html_problems(compare.content) == []
    body = compare.content.decode()
    assert "Ada Park" in body and "Initech" in body and "+14155550101" in body


def test_the_merge_takes_the_picked_values_and_its_undo_restores_both(manager, pair):
    first, second = pair
    before = (_state(first), _state(second))
    client = session_client(manager)

    merged = client.post(
        f"/leads/{first.pk}/merge/{second.pk}/",
        {"pick-name": "keep", "pick-company": "merge", "pick-phone": "merge"},
    )

    assert merged.status_code == 302 and merged.url == f"/leads/{first.pk}/"
    kept = Lead.objects.for_tenant(manager.tenant).get(pk=first.pk)
    assert (kept.name, kept.company, kept.phone) == ("Ada Park", "Initech", "+14155550101")
    assert Activity.objects.for_tenant(manager.tenant).filter(lead=kept).count() == 2
    page = client.get(f"/leads/{first.pk}/").content.decode()
    assert 'data-testid="lead-merged"' in page
    journal = LeadMerge.objects.for_tenant(manager.tenant).get()

    undone = client.post(f"/leads/merges/{journal.pk}/undo/")

    assert undone.status_code == 302
    assert (_state(first), _state(second)) == before
    assert 'data-testid="lead-merged"' not in client.get(f"/leads/{first.pk}/").content.decode()


def test_an_empty_field_is_filled_from_the_other_lead_by_default(manager, pair):
    first, second = pair

    page = session_client(manager).get(f"/leads/{first.pk}/merge/{second.pk}/").content.decode()

    # The kept lead has no company: the other's is picked; its own name stays picked.
    assert 'id="pick-company-merge" value="merge" checked' in page
    assert 'id="pick-name-keep" value="keep" checked' in page


def test_bad_picks_and_the_same_lead_twice_are_refused(manager, pair):
    first, second = pair
    client = session_client(manager)

    bad = client.post(f"/leads/{first.pk}/merge/{second.pk}/", {"pick-name": "both"})
    same = client.get(f"/leads/{first.pk}/merge/{first.pk}/")

    assert bad.status_code == 400
    assert same.status_code == 404
    assert not LeadMerge.objects.for_tenant(manager.tenant).exists()


def test_who_may_merge(world, manager, pair):
    first, second = pair
    user, globex = world.members["user"], world.away_members["admin"]
    url = f"/leads/{first.pk}/merge/{second.pk}/"

    # A User who owns neither lead: refused; another organization: the leads do not exist.
    assert session_client(user).get(url).status_code == 403
    assert session_client(user).post(url, {}).status_code == 403
    assert session_client(globex).get(url).status_code == 404
    assert session_client(globex).post(url, {}).status_code == 404
    session_client(manager).post(url, {})
    journal = LeadMerge.objects.for_tenant(manager.tenant).get()
    undo = f"/leads/merges/{journal.pk}/undo/"
    assert session_client(globex).post(undo).status_code == 404
    assert session_client(user).post(undo).status_code == 403
    assert LeadMerge.objects.for_tenant(manager.tenant).get().undone_at is None
