"""The notification pages: the bell's fragment (one row read), the list with mark read and
mark all read (POST, CSRF), the settings grid; another member's notification is a 404."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.notifications import notify
from opsbase.kit.notifications.selectors import notification_channels_for, notification_unread_count
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client

EVENT = "tasks.assigned"


def _tell(recipient, actor, title="Check the pumps"):
    return notify(recipient=recipient, event=EVENT, title=title, url="/tasks/", actor=actor)


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html_problems(html) == []
    return html


def test_every_page_shows_the_bell_without_querying_for_it(manager):
    html = _page(session_client(manager), "/")

    assert 'data-testid="notification-bell"' in html
    assert 'hx-get="/notifications/bell/"' in html
    assert 'hx-trigger="load, every 45s"' in html


def test_the_bell_shows_the_unread_count_from_one_row(user, manager):
    _tell(manager, user)
    _tell(manager, user, title="Another")
    client = session_client(manager)
    client.get("/notifications/bell/")  # the session's first request warms its caches

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/notifications/bell/")

    html = response.content.decode()
    assert 'data-testid="notification-count">2</span>' in html
    assert 'hx-trigger="every 45s"' in html
    ours = [q["sql"] for q in queries if "kit_notification" in q["sql"]]
    assert len(ours) == 1 and "kit_notificationcounter" in ours[0]
    # Session, user and membership (the test settings keep the auth caches off), then the row.
    assert len(queries) <= 4


def test_the_list_shows_mine_and_marks_one_read(user, manager):
    notification = _tell(manager, user)
    client = session_client(manager)

    html = _page(client, "/notifications/")
    assert "Check the pumps" in html and 'data-testid="notification-read"' in html

    response = client.post(f"/notifications/{notification.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert notification_unread_count(membership=manager) == 0


def test_open_marks_read_and_follows_the_link(user, manager):
    notification = _tell(manager, user)

    response = session_client(manager).post(
        f"/notifications/{notification.pk}/read/", {"open": "1"}
    )

    assert response["Location"] == "/tasks/"
    assert notification_unread_count(membership=manager) == 0


def test_a_link_to_another_site_is_not_followed(user, manager):
    notification = notify(
        recipient=manager, event=EVENT, title="x", url="https://evil.test/", actor=user
    )

    response = session_client(manager).post(
        f"/notifications/{notification.pk}/read/", {"open": "1"}
    )

    assert response["Location"] == "/notifications/"


@pytest.mark.parametrize("kind", [RoleKind.ADMIN, RoleKind.USER])
def test_another_members_notification_answers_404(world, user, manager, kind):
    notification = _tell(manager, user)

    for stranger in (world.members[kind], world.away_members[kind]):
        response = session_client(stranger).post(f"/notifications/{notification.pk}/read/")
        assert response.status_code == 404
        assert (
            "Check the pumps"
            not in session_client(stranger).get("/notifications/").content.decode()
        )
    assert notification_unread_count(membership=manager) == 1


def test_mark_all_read(user, manager):
    _tell(manager, user)
    _tell(manager, user, title="Another")
    client = session_client(manager)

    response = client.post("/notifications/read-all/", follow=True)

    assert notification_unread_count(membership=manager) == 0
    assert "All your notifications are marked read." in response.content.decode()


def test_marking_read_needs_a_post_with_the_csrf_token(user, manager):
    notification = _tell(manager, user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager.user)
    session = client.session
    session["opsbase_tenant_id"] = manager.tenant_id
    session.save()

    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 403
    assert client.post("/notifications/read-all/").status_code == 403
    assert notification_unread_count(membership=manager) == 1


def test_signed_out_visitors_are_sent_to_sign_in(db):
    response = Client().get("/notifications/bell/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_settings_page_saves_the_grid(manager):
    client = session_client(manager)
    html = _page(client, "/notifications/preferences/")
    assert "A task is assigned to me" in html and "In the daily digest" in html
    assert f'value="{EVENT}:email"' in html

    response = client.post(
        "/notifications/preferences/", {"choice": [f"{EVENT}:digest", "bogus", "x:nope"]}
    )

    assert response.status_code == 302
    assert notification_channels_for(membership=manager, event=EVENT) == {"digest"}
    assert (
        "checked"
        not in _page(client, "/notifications/preferences/").split(f"{EVENT}:email")[1][:80]
    )


def test_the_empty_list_says_so_in_words(manager):
    html = _page(session_client(manager), "/notifications/")

    assert "Nothing new." in html
