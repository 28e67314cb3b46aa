"""The bell at 390 px: the count appears by itself (htmx), the list opens, mark all read
clears it, and nothing overflows the phone's width."""

import pytest
from playwright.sync_api import expect

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.notifications import notify

pytestmark = pytest.mark.browser


def test_the_bell_on_a_phone(page, world, sign_in, screenshot):
    user, manager = world.members[RoleKind.USER], world.members[RoleKind.MANAGER]
    for title in ("Check the pumps", "Replace the seal on rig 4 before the night shift"):
        notify(recipient=manager, event="tasks.assigned", title=title, url="/tasks/", actor=user)
    sign_in(manager)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/")
    bell = page.get_by_test_id("notification-bell")
    expect(page.get_by_test_id("notification-count")).to_have_text("2")
    box = bell.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390

    bell.click()
    expect(page.get_by_test_id("notification-row")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "notifications-390")

    page.get_by_test_id("notification-read-all").click()
    expect(page.get_by_text("All your notifications are marked read.")).to_be_visible()
    expect(page.get_by_test_id("notification-count")).to_have_count(0)

    page.get_by_test_id("notification-preferences-link").click()
    expect(page.get_by_test_id("notification-preference-row").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "notification-settings-390")
