"""Themed 400/403/404/500 pages, as Django's handlers and the OpsBase middleware serve them."""

import re
from unittest import mock

import pytest
from django.test import Client, RequestFactory

from opsbase.web import views

pytestmark = pytest.mark.usefixtures("web_urls")


@pytest.fixture
def client(settings, db):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def assert_themed(response, status):
    html = response.content.decode()
    assert response.status_code == status
    assert f">{status}</p>" in html
    assert re.search(r'<script src="[^"]*/opsbase/js/color-mode\.js"></script>', html)
    assert "bootstrap.min.css" in html and 'data-bs-theme-value="dark"' in html
    return html


def test_bad_request_page(client):
    assert_themed(client.get("/t/400/"), 400)


def test_permission_denied_page_shows_the_reason(client):
    html = assert_themed(client.get("/t/403/"), 403)
    assert "Only the owner can see this." in html


def test_opsbase_permission_denied_shows_the_policy_reason(client):
    html = assert_themed(client.get("/t/403-policy/"), 403)
    assert "Only a Manager can approve invoices." in html


def test_not_found_page(client):
    assert_themed(client.get("/no/such/page/"), 404)
    assert_themed(client.get("/t/404/"), 404)


def test_server_error_page(client):
    html = assert_themed(client.get("/t/500/"), 500)
    assert "boom" not in html


def test_error_pages_carry_the_content_security_policy(client):
    for path in ("/t/400/", "/t/403/", "/no/such/page/", "/t/500/"):
        assert "script-src 'self'" in client.get(path)["Content-Security-Policy"]


def test_server_error_needs_no_request_context():
    # A bare request: no user, no session, no membership, no context processors.
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_server_error_falls_back_to_plain_html_when_the_template_breaks():
    with mock.patch.object(views.loader, "get_template", side_effect=RuntimeError("broken")):
        response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Server error (500)" in response.content.decode()
