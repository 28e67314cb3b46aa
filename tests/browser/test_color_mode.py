"""Light, dark and auto color modes as a person sees them, on the shell and the error pages."""

import pytest
from playwright.sync_api import expect

from opsbase.kernel.roles.constants import RoleKind

pytestmark = pytest.mark.browser


def theme(page) -> str:
    return page.locator("html").get_attribute("data-bs-theme")


def pick(page, mode: str) -> None:
    page.get_by_role("button", name="Color mode").click()
    page.locator(f"[data-bs-theme-value='{mode}']").click()


def background(page) -> str:
    return page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_dashboard_follows_the_os_until_the_user_picks(
    page, world, sign_in, screenshot, color_scheme
):
    sign_in(world.members[RoleKind.MANAGER])

    page.goto("/")

    expect(page.get_by_text("You are signed in as Manager.")).to_be_visible()
    assert theme(page) == color_scheme
    expect(page.locator("html")).to_have_attribute("data-opsbase-color-mode", "auto")
    expect(page.locator("[data-bs-theme-value='auto']")).to_have_attribute("aria-pressed", "true")
    # htmx is loaded but, as configured for the CSP, injected no <style> of its own.
    assert page.locator("style").count() == 0
    screenshot(page, f"dashboard-{color_scheme}")


def test_dark_then_light_chosen_in_the_navbar_persist_across_reloads(page, world, sign_in):
    sign_in(world.members[RoleKind.USER])
    page.goto("/")
    assert theme(page) == "light"
    light_background = background(page)

    pick(page, "dark")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert background(page) != light_background
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    expect(page.locator("[data-bs-theme-value='dark']")).to_have_attribute("aria-pressed", "true")

    pick(page, "light")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
    assert background(page) == light_background


@pytest.mark.parametrize("color_scheme", ["dark"])
def test_a_choice_overrides_the_os_and_auto_follows_it_again(page, world, sign_in, color_scheme):
    sign_in(world.members[RoleKind.USER])
    page.goto("/")
    assert theme(page) == "dark"

    pick(page, "light")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")

    pick(page, "auto")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    # Still auto: the page follows the OS when it switches, without a reload.
    page.emulate_media(color_scheme="light")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")


def test_the_choice_applies_to_other_pages_and_tabs(page, context, world, sign_in):
    sign_in(world.members[RoleKind.USER])
    page.goto("/")
    other_tab = context.new_page()
    other_tab.goto("/accounts/profile/")

    pick(page, "dark")

    expect(other_tab.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.goto("/accounts/password/change/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_error_pages_follow_the_os_and_the_choice(page, db, watch, color_scheme):
    watch.expect_error_status("/no/such/page/")

    page.goto("/no/such/page/")

    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert theme(page) == color_scheme
    expect(page.locator("[data-bs-theme-value='auto']")).to_have_attribute("aria-pressed", "true")
    other = "light" if color_scheme == "dark" else "dark"
    pick(page, other)
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", other)
