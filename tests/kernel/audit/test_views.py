"""The audit page: tenant Admins only, filters, pagination, CSV export, one event's changes."""

import csv
import io
import uuid
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opsbase.kernel.audit.masking import MASK
from opsbase.kernel.audit.services import audit_event
from opsbase.testing.matrix import AccessMatrix, session_client
from opsbase.web import navigation

DENIED = {"own": 403, "other": 403, "foreign": 404}


def make_event(owner):
    """An event in *owner*'s tenant whose actor is *owner*."""
    return audit_event(
        tenant=owner.tenant,
        actor=owner.user,
        action="test.matrix",
        target_label=f"matrix-{uuid.uuid4().hex[:10]}",
    )


def listed(response, event) -> bool:
    return f'data-event-id="{event.pk}"'.encode() in response.content


def list_lookup(client, event):
    """The list searched for the event: 404 when the page works but does not show it."""
    response = client.get(reverse("audit:event_list"), {"q": event.target_label})
    if response.status_code == 200 and not listed(response, event):
        return SimpleNamespace(status_code=404)
    return response


def test_the_list_shows_admins_their_tenants_events_only(world):
    AccessMatrix(
        make=make_event,
        request=list_lookup,
        expect={
            "admin": {"own": 200, "other": 200, "foreign": 404},
            # Denied by role before any event is looked at, so nothing leaks either way.
            "manager": {"own": 403, "other": 403, "foreign": 403},
            "user": {"own": 403, "other": 403, "foreign": 403},
        },
    ).check(world)


def test_the_detail_page_is_for_admins_and_hides_other_tenants(world):
    AccessMatrix(
        make=make_event,
        request=lambda client, event: client.get(reverse("audit:event_detail", args=[event.pk])),
        expect={
            "admin": {"own": 200, "other": 200, "foreign": 404},
            "manager": DENIED,
            "user": DENIED,
        },
    ).check(world)


def test_a_denied_member_is_told_why(world):
    response = session_client(world.members["manager"]).get(reverse("audit:event_list"))
    assert response.status_code == 403
    assert response.context["reason"] == "Only an Admin can read the audit log."


@pytest.fixture
def admin_client(world):
    return session_client(world.members["admin"])


@pytest.fixture
def events(world):
    admin, user = world.members["admin"], world.members["user"]
    return {
        "pump": audit_event(
            tenant=world.home, actor=admin.user, action="task.complete", target_label="Pump 7"
        ),
        "valve": audit_event(
            tenant=world.home,
            actor=user.user,
            action="update",
            target_type="assets.asset",
            target_id=42,
            target_label="Valve 3",
            changes={"name": ("Valve", "Valve 3"), "secret_code": ("old-code-qx", "new-code-qz")},
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "pump"}, {"pump"}),
        ({"action": "task.complete"}, {"pump"}),
        ({"target_type": "assets.asset"}, {"valve"}),
        ({"target_type": "assets.asset", "target_id": "42"}, {"valve"}),
        ({"q": "valve", "action": "task.complete"}, set()),
    ],
)
def test_filters_narrow_the_list(admin_client, events, query, expected):
    response = admin_client.get(reverse("audit:event_list"), query)

    assert response.status_code == 200
    assert {name for name, e in events.items() if listed(response, e)} == expected


def test_the_actor_filter_offers_members_and_filters_by_them(admin_client, events, world):
    user = world.members["user"].user
    response = admin_client.get(reverse("audit:event_list"), {"actor": user.pk})

    assert {n for n, e in events.items() if listed(response, e)} == {"valve"}
    assert f'value="{world.away_members["admin"].user_id}"'.encode() not in response.content


def test_another_tenants_user_is_not_a_valid_actor_filter(admin_client, events, world):
    foreigner = world.away_members["admin"].user
    response = admin_client.get(reverse("audit:event_list"), {"actor": foreigner.pk})

    assert response.status_code == 200
    assert not any(listed(response, e) for e in events.values())
    assert b"Select a valid choice" in response.content


def test_the_date_range_filter(admin_client, events):
    today = events["pump"].created_at.date()
    url = reverse("audit:event_list")

    assert listed(admin_client.get(url, {"date_from": today, "date_to": today}), events["pump"])
    tomorrow = today.replace(year=today.year + 1)
    assert not listed(admin_client.get(url, {"date_from": tomorrow}), events["pump"])
    assert not listed(admin_client.get(url, {"date_to": today.replace(year=2000)}), events["pump"])


def test_the_list_is_paginated_and_keeps_the_filters(admin_client, world):
    for i in range(12):
        audit_event(tenant=world.home, actor=None, action="test.page", target_label=f"row {i}")

    response = admin_client.get(
        reverse("audit:event_list"), {"action": "test.page", "page_size": 10}
    )

    assert response.context["page"].paginator.count == 12
    assert len(response.context["events"]) == 10
    assert response.context["next_url"] == "?action=test.page&page_size=10&page=2"
    second = admin_client.get(reverse("audit:event_list") + response.context["next_url"])
    assert len(second.context["events"]) == 2


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize("how", ["format", "url"])
def test_the_filtered_list_exports_as_csv(admin_client, events, world, how):
    audit_event(tenant=world.away, actor=None, action="update", target_label="Globex secret")
    if how == "format":
        response = admin_client.get(
            reverse("audit:event_list"), {"action": "update", "format": "csv"}
        )
    else:
        response = admin_client.get(reverse("audit:event_export"), {"action": "update"})

    rows = read_csv(response)

    assert [r["target"] for r in rows] == ["Valve 3"]
    assert rows[0]["actor"] == world.members["user"].user.email
    assert '"secret_code": {"new": "********", "old": "********"}' in rows[0]["changes"]


def test_the_export_is_for_admins_only(world):
    response = session_client(world.members["manager"]).get(reverse("audit:event_export"))
    assert response.status_code == 403


def test_csv_cells_cannot_run_as_spreadsheet_formulas(admin_client, world):
    audit_event(tenant=world.home, actor=None, action="x", target_label="=HYPERLINK(1)")

    rows = read_csv(admin_client.get(reverse("audit:event_export"), {"action": "x"}))

    assert rows[0]["target"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("start", ["|", "=", "+", "-", "@", "\t"])
def test_every_formula_start_is_escaped_in_the_audit_csv(admin_client, world, start):
    audit_event(tenant=world.home, actor=None, action="x", target_label=f"{start}cmd|' /C calc'!A0")

    rows = read_csv(admin_client.get(reverse("audit:event_export"), {"action": "x"}))

    assert rows[0]["target"] == f"'{start}cmd|' /C calc'!A0"


def test_the_detail_page_shows_the_changes_with_secrets_masked(admin_client, events):
    response = admin_client.get(reverse("audit:event_detail", args=[events["valve"].pk]))

    content = response.content.decode()
    assert "<code>name</code>" in content and "Valve 3" in content
    assert "<code>secret_code</code>" in content and MASK in content
    # Not hexadecimal, so no hash or id on the page can contain it by chance.
    assert "old-code-qx" not in content and "new-code-qz" not in content


def queries_of(client, url):
    """(all queries, queries reading the audit table) of one GET."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    return len(sql), len([q for q in sql if "audit_auditevent" in q])


def test_list_and_detail_use_a_fixed_number_of_queries(admin_client, events, world):
    url = reverse("audit:event_list")
    few = queries_of(admin_client, url)
    for i in range(30):
        audit_event(tenant=world.home, actor=None, action="test.count", target_label=str(i))

    # The page's own reads are the count and the page (plus the actor choices); the shell's
    # reads do not depend on the rows either.
    assert queries_of(admin_client, url) == few
    assert few[1] == 3
    assert queries_of(admin_client, reverse("audit:event_detail", args=[events["pump"].pk]))[1] == 1


def test_the_sidebar_offers_the_audit_log_to_admins_only(world):
    def urls(kind):
        return [entry["url"] for entry in navigation.items_for(world.members[kind])]

    assert reverse("audit:event_list") in urls("admin")
    assert reverse("audit:event_list") not in urls("manager")
    assert reverse("audit:event_list") not in urls("user")


def test_the_audit_page_says_actions_and_targets_in_words(world):
    from opsbase.kernel.roles.constants import RoleKind

    admin = world.members[RoleKind.ADMIN]
    audit_event(
        tenant=admin.tenant,
        actor=admin.user,
        action="task.transition.block",
        target_type="accounts.user",
        target_id="7",
        target_label="Order valves",
    )

    page = session_client(admin).get(reverse("audit:event_list")).content.decode()

    assert "Status changed: block" in page and ">User</small>" in page
    assert "accounts.user #7" not in page and ">task.transition.block<" not in page
