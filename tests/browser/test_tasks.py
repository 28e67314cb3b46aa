"""The task module as a person uses it: create, edit, change status in place, filter, delete.

Screenshots of the task list and a task's page in light and dark mode are written to
``test-artifacts/screenshots/`` on every run.
"""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not apps.is_installed("opsbase.modules.tasks"),
        reason="opsbase.modules.tasks is not in the test settings' INSTALLED_APPS",
    ),
]


def add_task(membership, title: str, **fields):
    from opsbase.modules.tasks.services import task_create

    return task_create(membership=membership, title=title, notify=False, **fields)


def move_task(membership, task, transition: str):
    from opsbase.modules.tasks.services import task_transition

    return task_transition(membership=membership, task=task, transition=transition)


def filters(page):
    return page.get_by_test_id("task-filters")


def rows(page):
    return page.get_by_test_id("task-row")


def row_of(page, title: str):
    return rows(page).filter(has=page.get_by_role("link", name=title, exact=True))


def test_a_manager_signs_in_creates_edits_and_deletes_a_task(page, world):
    manager = world.members[RoleKind.MANAGER]
    colleague = world.members[RoleKind.USER]
    due = timezone.localdate() + dt.timedelta(days=7)

    # Sign in and reach the module from the sidebar.
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(manager.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#opsbase-sidebar").get_by_role("link", name="My tasks").click()
    expect(page.get_by_test_id("task-list-heading")).to_have_text("My tasks")
    expect(page.get_by_test_id("task-empty")).to_be_visible()

    # Create.
    page.get_by_test_id("task-new").click()
    page.get_by_label("Title").fill("Check the pumps")
    page.get_by_label("Description").fill("All three, before the inspection.")
    page.get_by_label("Priority").select_option(label="High")
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_label("Assignee").select_option(
        label=f"{colleague.user.get_full_name()} <{colleague.user.email}>"
    )
    page.get_by_test_id("task-save").click()

    expect(page.get_by_text("Task “Check the pumps” created.")).to_be_visible()
    expect(page.get_by_test_id("task-title")).to_have_text("Check the pumps")
    expect(page.get_by_test_id("task-priority")).to_have_text("High")
    # In the language's short format, as every kit page shows dates.
    shown = date_format(due, "SHORT_DATE_FORMAT")
    expect(page.get_by_test_id("task-due")).to_contain_text(shown)
    expect(page.get_by_test_id("task-assignee")).to_have_text(colleague.user.get_full_name())
    expect(page.get_by_test_id("task-status-badge")).to_have_text("To do")
    expect(page.get_by_test_id("task-description")).to_contain_text("before the inspection")

    # Edit.
    page.get_by_test_id("task-edit").click()
    expect(page.get_by_label("Title")).to_have_value("Check the pumps")
    page.get_by_label("Title").fill("Check and oil the pumps")
    page.get_by_label("Priority").select_option(label="Urgent")
    page.get_by_test_id("task-save").click()

    expect(page.get_by_text("Task “Check and oil the pumps” saved.")).to_be_visible()
    expect(page.get_by_test_id("task-title")).to_have_text("Check and oil the pumps")
    expect(page.get_by_test_id("task-priority")).to_have_text("Urgent")
    expect(page.get_by_test_id("task-history-entry").first).to_be_visible()

    # Delete: the confirmation can be cancelled, then confirmed.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("task-delete").click()
    expect(page.get_by_text("Delete the task “Check and oil the pumps”?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_test_id("task-title")).to_have_text("Check and oil the pumps")

    page.get_by_test_id("task-delete").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("task-delete-confirm").click()

    expect(page.get_by_text("Task “Check and oil the pumps” deleted.")).to_be_visible()
    expect(page.get_by_test_id("task-list-heading")).to_have_text("My tasks")
    expect(page.get_by_role("link", name="Check and oil the pumps")).to_have_count(0)


def test_a_form_with_a_too_short_title_shows_the_field_error(page, world, sign_in, watch):
    sign_in(world.members[RoleKind.MANAGER])
    watch.expect_error_status("/tasks/new/")  # the form answers 400 with its errors
    page.goto("/tasks/new/")

    page.get_by_label("Title").fill("ab")
    page.get_by_test_id("task-save").click()

    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.get_by_label("Title")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_test_id("task-title")).to_have_count(0)


def test_the_status_changes_in_place_without_leaving_the_list(page, world, sign_in):
    manager = world.members[RoleKind.MANAGER]
    add_task(manager, "Order valves")
    add_task(manager, "Paint the fence")
    sign_in(manager)
    page.goto("/tasks/")
    # A marker that a full page load would wipe out.
    page.evaluate("window.__stillTheSamePage = true")
    row = row_of(page, "Order valves")
    expect(row.get_by_test_id("task-status-badge")).to_have_text("To do")

    row.get_by_test_id("task-status-menu").click()
    row.get_by_role("button", name="Start").click()

    expect(row.get_by_test_id("task-status-badge")).to_have_text("In progress")
    expect(row.get_by_role("button", name="Start")).to_have_count(0)
    assert page.evaluate("window.__stillTheSamePage") is True
    # Only that task moved; the change is saved.
    expect(row_of(page, "Paint the fence").get_by_test_id("task-status-badge")).to_have_text(
        "To do"
    )
    row.get_by_test_id("task-status-menu").click()
    row.get_by_role("button", name="Complete").click()
    expect(row.get_by_test_id("task-status-badge")).to_have_text("Done")
    row.get_by_test_id("task-status-menu").click()
    expect(row.get_by_role("button", name="Reopen")).to_be_visible()
    assert page.evaluate("window.__stillTheSamePage") is True

    page.reload()
    expect(row_of(page, "Order valves").get_by_test_id("task-status-badge")).to_have_text("Done")


def test_every_row_in_a_status_opens_its_menu_by_mouse_or_keyboard(page, world, sign_in, watch):
    """The rows in one status share one menu, sent once: each row's opens with that row's
    moves (a click, or the arrow key on the focused badge) and moves only that row."""
    manager = world.members[RoleKind.MANAGER]
    for title in ("Order valves", "Paint the fence", "Sweep the yard"):
        add_task(manager, title)
    sign_in(manager)
    page.goto("/tasks/")
    expect(page.locator("template")).to_have_count(1)  # one status, one menu sent

    fence = row_of(page, "Paint the fence")
    fence.get_by_test_id("task-status-menu").focus()
    page.keyboard.press("ArrowDown")
    expect(fence.get_by_role("button", name="Start")).to_be_visible()
    page.keyboard.press("Escape")

    yard = row_of(page, "Sweep the yard")
    yard.get_by_test_id("task-status-menu").click()
    yard.get_by_role("button", name="Block").click()
    expect(yard.get_by_test_id("task-status-badge")).to_have_text("Blocked")
    for other in ("Order valves", "Paint the fence"):
        expect(row_of(page, other).get_by_test_id("task-status-badge")).to_have_text("To do")

    # The menu stays where it was sent: every row still opens it after another row moved.
    valves = row_of(page, "Order valves")
    valves.get_by_test_id("task-status-menu").click()
    valves.get_by_role("button", name="Complete").click()
    expect(valves.get_by_test_id("task-status-badge")).to_have_text("Done")
    fence.get_by_test_id("task-status-menu").click()
    expect(fence.get_by_role("button", name="Cancel")).to_be_visible()


def test_filtering_the_list_by_status_and_text(page, world, sign_in):
    manager = world.members[RoleKind.MANAGER]
    add_task(manager, "Order valves", priority="high")
    started = add_task(manager, "Replace the pump seal")
    move_task(manager, started, "start")
    add_task(manager, "Paint the fence", priority="low")
    sign_in(manager)
    page.goto("/tasks/")
    expect(rows(page)).to_have_count(3)
    # The filters wait behind their button; the search box is always there.
    expect(filters(page).get_by_label("Status")).to_be_hidden()

    page.get_by_test_id("task-filter-toggle").click()
    filters(page).get_by_label("Status").select_option(label="In progress")
    page.get_by_test_id("task-filter-apply").click()

    expect(page).to_have_url(re.compile(r"status=in_progress"))
    expect(rows(page)).to_have_count(1)
    expect(row_of(page, "Replace the pump seal")).to_be_visible()
    expect(filters(page).get_by_label("Status")).to_have_value("in_progress")
    # The active filter shows as a chip that removes it.
    expect(page.get_by_test_id("task-chip")).to_contain_text("Status: In progress")
    page.get_by_test_id("task-chip").click()
    expect(rows(page)).to_have_count(3)

    filters(page).get_by_label("Search").fill("valves")
    page.get_by_test_id("task-filter-apply").click()
    expect(rows(page)).to_have_count(1)
    expect(row_of(page, "Order valves")).to_be_visible()

    filters(page).get_by_label("Search").fill("nothing like this")
    page.get_by_test_id("task-filter-apply").click()
    expect(page.get_by_test_id("task-empty-filtered")).to_be_visible()
    page.get_by_role("link", name="Clear the filters").click()
    expect(rows(page)).to_have_count(3)


def test_the_people_lists_are_fetched_when_shown_and_then_filter_and_assign(
    page, world, sign_in, watch
):
    """The assignee filter and the bulk menu's "Assign to" get the organization's members
    when they first show (the page is sent without them)."""
    manager, colleague = world.members[RoleKind.MANAGER], world.members[RoleKind.USER]
    name = colleague.user.get_full_name()
    add_task(manager, "Order valves", assignee=colleague)
    add_task(manager, "Paint the fence")
    sign_in(manager)
    page.goto("/tasks/")
    assignee = filters(page).get_by_label("Assignee")
    expect(assignee.locator("option")).to_have_count(2)  # anyone, unassigned

    page.get_by_test_id("task-filter-toggle").click()
    expect(assignee.locator("option", has_text=name)).to_have_count(1)
    assignee.select_option(label=name)
    page.get_by_test_id("task-filter-apply").click()
    expect(rows(page)).to_have_count(1)
    expect(row_of(page, "Order valves")).to_be_visible()
    expect(page.get_by_test_id("task-chip")).to_contain_text(f"Assignee: {name}")

    page.goto("/tasks/")
    bulk = page.get_by_test_id("task-bulk-action")
    expect(bulk.locator("option", has_text=name)).to_have_count(0)
    row_of(page, "Paint the fence").get_by_test_id("task-select").check()
    expect(bulk.locator("option", has_text=name)).to_have_count(1)
    bulk.select_option(label=name)
    page.get_by_test_id("task-bulk-apply").click()
    expect(row_of(page, "Paint the fence").locator('[data-label="Assignee"]')).to_have_text(name)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_task_pages_read_well_in_both_modes(page, world, sign_in, screenshot, color_scheme):
    manager = world.members[RoleKind.MANAGER]
    colleague = world.members[RoleKind.USER]
    today = timezone.localdate()
    task = add_task(
        manager,
        "Check the pumps",
        description="All three, before the inspection.\n\nTake the torque wrench.",
        priority="high",
        due_date=today + dt.timedelta(days=3),
        assignee=colleague,
    )
    move_task(manager, task, "start")
    blocked = add_task(manager, "Order valves", priority="urgent", due_date=today)
    move_task(manager, blocked, "block")
    finished = add_task(manager, "Paint the fence", priority="low")
    move_task(manager, finished, "complete")
    add_task(manager, "Overdue inspection", due_date=today - dt.timedelta(days=2))
    sign_in(manager)

    page.goto("/tasks/")
    expect(rows(page)).to_have_count(4)
    expect(page.get_by_test_id("task-overdue")).to_have_count(1)
    assert page.locator("html").get_attribute("data-bs-theme") == color_scheme
    screenshot(page, f"task-list-{color_scheme}")

    page.get_by_role("link", name="Check the pumps").click()
    expect(page.get_by_test_id("task-title")).to_have_text("Check the pumps")
    expect(page.get_by_test_id("task-status-badge")).to_have_text("In progress")
    expect(page.get_by_test_id("task-history-entry")).not_to_have_count(0)
    assert page.locator("html").get_attribute("data-bs-theme") == color_scheme
    screenshot(page, f"task-detail-{color_scheme}")
