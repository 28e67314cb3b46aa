"""Every page of the kit (the tasks' pages) at 1280 and 390 px, light and dark: a screenshot
each (``test-artifacts/screenshots/kit-<page>-<width>-<mode>.png``), no sideways scroll, and
no text below the WCAG AA contrast per axe-core (vendored: tests/browser/vendor/axe.min.js).

A task named with one 200-character word stays in the list: it must wrap, not widen the page.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from opsbase.kernel.roles.constants import RoleKind

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not apps.is_installed("opsbase.modules.tasks"), reason="tasks not installed"
    ),
]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = (1280, 390)
LONG_WORD = "Pneumonoultramicroscopic" * 8 + "!"  # 193 characters, no space

# The contrast problems axe finds on the page, as lines a person can read.
CONTRAST = """
async () => {
  const options = {runOnly: ["color-contrast"], resultTypes: ["violations"]};
  const result = await axe.run(document, options);
  const said = (n) => n.target.join(" ") + ": " + n.failureSummary.replace(/\\s+/g, " ");
  return result.violations.flatMap((v) => v.nodes.map(said));
}
"""


def contrast_problems(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's CSP allows no injected <script>.
        page.evaluate(AXE)
    return page.evaluate(CONTRAST)


def add(member, title, **fields):
    from opsbase.modules.tasks.services import task_create

    return task_create(membership=member, title=title, notify=False, **fields)


def move(member, task, transition):
    from opsbase.modules.tasks.services import task_transition

    return task_transition(membership=member, task=task, transition=transition)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_every_kit_page_reads_well_at_both_widths(page, world, sign_in, screenshot, color_scheme):
    manager = world.members[RoleKind.MANAGER]
    today = timezone.localdate()
    task = add(
        manager,
        "Check the pumps",
        description="All three, before the inspection.\n\nTake the torque wrench.",
        priority="high",
        due_date=today + dt.timedelta(days=3),
        assignee=world.members[RoleKind.USER],
    )
    move(manager, task, "start")
    move(manager, add(manager, "Order valves", priority="urgent", due_date=today), "block")
    move(manager, add(manager, "Paint the fence", priority="low"), "complete")
    add(manager, LONG_WORD, due_date=today - dt.timedelta(days=2))
    sign_in(manager)
    pages = {
        "list": "/tasks/all/",
        "list-filtered": "/tasks/all/?status=in_progress&q=pumps",
        "detail": f"/tasks/{task.pk}/",
        "form": "/tasks/new/",
        "edit": f"/tasks/{task.pk}/edit/",
        "delete": f"/tasks/{task.pk}/delete/",
        "import": "/tasks/import/",
    }
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            expect(page.locator("h1").first).to_be_visible()
            assert page.locator("html").get_attribute("data-bs-theme") == color_scheme
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"{name} at {width}: {overflow} px of sideways scroll")
            problems += [f"{name} at {width}: {p}" for p in contrast_problems(page)]
            screenshot(page, f"kit-{name}-{width}-{color_scheme}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_on_a_phone_the_rows_are_cards_with_44_px_targets(page, world, sign_in, color_scheme):
    manager = world.members[RoleKind.MANAGER]
    add(manager, "Check the pumps", assignee=world.members[RoleKind.USER])
    add(manager, LONG_WORD)
    sign_in(manager)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/tasks/all/")

    rows = page.get_by_test_id("task-row")
    expect(rows).to_have_count(2)
    # A card: as wide as the list, the header row gone, each value on its own line.
    expect(page.locator(".opsbase-list thead")).to_be_hidden()
    box = rows.first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    too_small = page.evaluate(
        """() => [...document.querySelectorAll(
             '.opsbase-list a, .opsbase-list button, .opsbase-list label.opsbase-hit,'
             + ' main .btn, main .form-control, main .form-select, main .page-link')]
           .filter((el) => el.getClientRects().length)
           .map((el) => [el.textContent.trim().slice(0, 30) || el.className,
                         el.getBoundingClientRect().height])
           .filter(([, height]) => height < 43.5)"""
    )
    assert too_small == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The status menu opens and moves the task.
    row = rows.filter(has=page.get_by_role("link", name="Check the pumps"))
    row.get_by_test_id("task-status-menu").click()
    row.get_by_role("button", name="Start").click()
    expect(row.get_by_test_id("task-status-badge")).to_have_text("In progress")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_bulk_actions_change_the_ticked_rows(page, world, sign_in, color_scheme):
    manager = world.members[RoleKind.MANAGER]
    for title in ("Order valves", "Paint the fence", "Check the pumps"):
        add(manager, title)
    sign_in(manager)
    page.goto("/tasks/all/")
    page.on("dialog", lambda dialog: dialog.accept())

    page.get_by_test_id("task-select-all").check()
    page.get_by_role("checkbox", name="Select Check the pumps").uncheck()
    page.get_by_test_id("task-bulk-action").select_option(label="Done")
    page.get_by_test_id("task-bulk-apply").click()

    expect(page.get_by_text("2 tasks changed.")).to_be_visible()
    badges = page.get_by_test_id("task-status-badge")
    expect(badges).to_have_text(["To do", "Done", "Done"])
    page.get_by_role("checkbox", name="Select Check the pumps").check()
    page.get_by_test_id("task-bulk-action").select_option(value="delete")
    page.get_by_test_id("task-bulk-apply").click()
    expect(page.get_by_test_id("task-row")).to_have_count(2)


def test_a_member_saves_the_filters_as_a_view_and_opens_it_again(page, world, sign_in):
    manager = world.members[RoleKind.MANAGER]
    add(manager, "Order valves", priority="urgent")
    add(manager, "Paint the fence", priority="low")
    sign_in(manager)
    page.goto("/tasks/all/?priority=urgent")
    expect(page.get_by_test_id("task-row")).to_have_count(1)

    page.get_by_test_id("task-views").click()
    page.get_by_test_id("task-view-name").fill("Fires")
    page.get_by_test_id("task-view-save").click()
    expect(page.get_by_text("View “Fires” saved.")).to_be_visible()
    page.goto("/tasks/all/")
    expect(page.get_by_test_id("task-row")).to_have_count(2)
    page.get_by_test_id("task-views").click()
    page.get_by_test_id("task-saved-view").get_by_role("link", name="Fires").click()

    expect(page).to_have_url(re.compile(r"/tasks/all/\?priority=urgent$"))
    expect(page.get_by_test_id("task-row")).to_have_count(1)
