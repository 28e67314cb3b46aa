"""The kernel's pages as a person uses them: sign in and out, organizations, errors, links."""

import re

import pytest
from playwright.sync_api import expect

from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def fill_sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_menu(page, name: str) -> None:
    page.locator("nav.opsbase-navbar").get_by_role("button", name=name).click()


def test_signing_in_with_email_and_password_opens_the_dashboard(page, world):
    manager = world.members[RoleKind.MANAGER]

    fill_sign_in(page, manager.user.email, PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator(".opsbase-tenant")).to_have_text("Acme")
    expect(page.get_by_text("You are signed in as Manager.")).to_be_visible()


def test_a_wrong_password_shows_an_error_and_keeps_the_address(page, world):
    user = world.members[RoleKind.USER].user

    fill_sign_in(page, user.email, "not the password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator(".alert-danger")).to_contain_text("Please enter a correct")
    expect(page.get_by_label("E-mail address")).to_have_value(user.email)
    expect(page.get_by_role("heading", name="Dashboard")).to_have_count(0)


def test_a_user_without_an_organization_is_offered_to_create_or_join_one(page, db):
    user = UserFactory(email="nora@example.test", first_name="Nora")

    fill_sign_in(page, user.email, PASSWORD)

    expect(page).to_have_url(re.compile(r"/org/welcome/$"))
    expect(page.get_by_role("heading", name="Welcome, Nora!")).to_be_visible()
    expect(page.get_by_text("Create an organization", exact=True)).to_be_visible()
    expect(page.get_by_text("Join an existing organization")).to_be_visible()

    page.get_by_label("Organization name").fill("Nora's Plumbing")
    page.get_by_role("button", name="Create the organization").click()

    expect(page.get_by_text("Nora's Plumbing is ready, and you are its Admin.")).to_be_visible()
    expect(page.locator(".opsbase-tenant")).to_have_text("Nora's Plumbing")


def test_a_member_of_two_organizations_switches_from_the_navbar(page, world, sign_in):
    admin = world.members[RoleKind.ADMIN]
    MembershipFactory(tenant=world.away, user=admin.user, kind=RoleKind.USER)
    sign_in(admin)

    page.goto("/")
    expect(page.locator(".opsbase-tenant-name")).to_have_text("Acme")
    open_menu(page, "Organization")
    page.locator(".opsbase-tenant-switcher").get_by_role("button", name="Globex").click()

    expect(page.locator(".opsbase-tenant-name")).to_have_text("Globex")
    expect(page.locator(".opsbase-tenant")).to_have_text("Globex")
    expect(page.get_by_text("You are signed in as User.")).to_be_visible()
    # The choice lasts: another page of the session is still in Globex.
    page.goto("/")
    expect(page.locator(".opsbase-tenant-name")).to_have_text("Globex")


def test_signing_out_returns_to_the_sign_in_page(page, world, sign_in):
    sign_in(world.members[RoleKind.USER])
    page.goto("/")

    open_menu(page, "Account")
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_an_admin_sees_the_member_and_invitation_pages(page, world, sign_in):
    sign_in(world.members[RoleKind.ADMIN])

    page.goto("/org/members/")
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    expect(page.get_by_role("cell", name="manager@acme.test").first).to_be_visible()
    expect(page.get_by_text("globex.test")).to_have_count(0)

    page.get_by_role("link", name="Invite someone").click()
    expect(page).to_have_url(re.compile(r"/org/invitations/new/$"))

    page.goto("/org/invitations/")
    expect(page.get_by_role("heading", name="Invitations")).to_be_visible()


def test_a_user_gets_the_themed_403_page_on_member_management(page, world, sign_in, watch):
    sign_in(world.members[RoleKind.USER])
    watch.expect_error_status("/org/members/")

    response = page.goto("/org/members/")

    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot do this")).to_be_visible()
    expect(page.locator(".opsbase-reason")).to_have_text(
        "Only an Admin can manage the members of this organization."
    )
    expect(page.get_by_role("link", name="Back to the dashboard")).to_have_attribute("href", "/")
    # Themed: Bootstrap's stylesheet applied (not the browser's default white page).
    assert page.locator("html").get_attribute("data-bs-theme") == "light"
    assert page.locator(".card").evaluate("e => getComputedStyle(e).borderRadius") != "0px"


def test_the_404_page_is_themed_and_leads_home(page, db, watch):
    watch.expect_error_status("/no/such/page/")

    response = page.goto("/no/such/page/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator(".navbar-brand")).to_contain_text("OpsBase")
    assert page.locator(".card").evaluate("e => getComputedStyle(e).borderRadius") != "0px"
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


@pytest.mark.parametrize("kind", [RoleKind.ADMIN, RoleKind.USER])
def test_no_link_on_the_dashboard_leads_nowhere(page, world, sign_in, kind):
    sign_in(world.members[kind])
    page.goto("/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    hrefs = page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")

    assert hrefs, "the dashboard has no link at all"
    dead = [href for href in hrefs if href is None or href.strip() in ("", "#")]
    assert dead == [], f"links without a target: {dead}"
