"""The filter bars of the task list and the audit log in a 1280 px wide window (the sidebar
shown): the audit's controls sit on a few rows, each wide enough for what it shows (a date,
the chosen option, a one-line label) and inside its card; the task list keeps its filters
behind a Filters button, the active ones shown as chips.

Screenshots ``filter-bar-tasks-1280`` and ``filter-bar-audit-1280`` are written to
``test-artifacts/screenshots/`` on every run.
"""

import pytest
from django.apps import apps
from playwright.sync_api import expect

from opsbase.kernel.roles.constants import RoleKind

pytestmark = pytest.mark.browser

WIDTH = 1280
# Every control at least this wide (a twelfth of the row, the old layout, gave 70 px).
MIN_CONTROL_PX = 9 * 16

# Per visible column of the form: its box, its control's box, what the control needs to show
# its value uncut (a select: the chosen option's text plus padding and arrow; a date input:
# its own width when not stretched) and how many lines its label takes.
COLUMNS = """
(form) => {
  const rect = (el) => {
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width};
  };
  const px = (value) => parseFloat(value) || 0;
  const canvas = document.createElement("canvas").getContext("2d");
  const needed = (el) => {
    const s = getComputedStyle(el);
    const frame = px(s.paddingLeft) + px(s.paddingRight)
      + px(s.borderLeftWidth) + px(s.borderRightWidth);
    if (el.tagName === "SELECT") {
      canvas.font = s.font;
      const option = el.selectedOptions[0];
      return canvas.measureText(option ? option.text : "").width + frame;
    }
    if (el.type === "date") {
      // Through the CSSOM, which the Content Security Policy allows (style= it would not).
      const probe = el.cloneNode();
      probe.removeAttribute("id");
      probe.style.width = "auto";
      probe.style.display = "inline-block";
      probe.style.position = "absolute";
      document.body.append(probe);
      const width = probe.getBoundingClientRect().width;
      probe.remove();
      return width;
    }
    return 0;
  };
  const body = form.closest(".card-body");
  const bodyStyle = getComputedStyle(body);
  const bodyRect = rect(body);
  return {
    inner: {
      left: bodyRect.left + px(bodyStyle.paddingLeft),
      right: bodyRect.right - px(bodyStyle.paddingRight),
    },
    formOverflow: form.scrollWidth - form.clientWidth,
    pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
    columns: Array.from(form.children)
      .filter((column) => column.getClientRects().length > 0)
      .map((column) => {
        const label = column.querySelector("label");
        const controls = Array.from(column.querySelectorAll("input, select, button, a.btn"));
        const first = controls[0];
        return {
          name: first ? first.name || first.textContent.trim() : column.className,
          box: rect(column),
          controls: controls.map((el) => ({name: el.name || el.textContent.trim(), box: rect(el),
                                           needed: needed(el)})),
          labelLines: label
            ? Math.round(label.getBoundingClientRect().height
                         / px(getComputedStyle(label).lineHeight))
            : 0,
        };
      }),
  };
}
"""


def rows_of(columns) -> list[list[str]]:
    """The names of the columns that carry a labelled control, row by row (top to bottom);
    a row's columns end at the same height (``align-items-end``)."""
    rows: dict[int, list[str]] = {}
    for column in columns:
        if column["labelLines"]:
            rows.setdefault(round(column["box"]["bottom"]), []).append(column["name"])
    return [rows[bottom] for bottom in sorted(rows)]


def check_layout(form, *, max_rows: int) -> list[list[str]]:
    layout = form.evaluate(COLUMNS)
    inner = layout["inner"]
    problems = []
    if layout["formOverflow"] > 0 or layout["pageOverflow"] > 0:
        problems.append(f"overflow: form {layout['formOverflow']}, page {layout['pageOverflow']}")
    for column in layout["columns"]:
        box = column["box"]
        if column["labelLines"] > 1:
            problems.append(f"{column['name']}: label on {column['labelLines']} lines")
        for control in column["controls"]:
            width = control["box"]["width"]
            left, right = control["box"]["left"], control["box"]["right"]
            # A column reaches into the row's gutters: the card's padding is the limit too.
            if left < max(box["left"], inner["left"]) - 0.5:
                problems.append(f"{control['name']}: sticks out on the left ({left:.0f} px)")
            if right > min(box["right"], inner["right"]) + 0.5:
                problems.append(f"{control['name']}: sticks out on the right ({right:.0f} px)")
            if column["labelLines"] and width < MIN_CONTROL_PX:
                problems.append(f"{control['name']}: {width:.0f} px wide")
            if control["needed"] > width + 0.5:
                problems.append(
                    f"{control['name']}: {width:.0f} px wide, needs {control['needed']:.0f} px"
                )
    rows = rows_of(layout["columns"])
    if len(rows) > max_rows:
        problems.append(f"{len(rows)} rows of controls (at most {max_rows}): {rows}")
    assert problems == [], "\n".join(problems)
    return rows


@pytest.mark.skipif(
    not apps.is_installed("opsbase.modules.tasks"),
    reason="opsbase.modules.tasks is not in the test settings' INSTALLED_APPS",
)
def test_the_task_list_starts_high_with_its_filters_behind_a_button(
    page, world, sign_in, screenshot
):
    from opsbase.modules.tasks.services import task_create

    manager = world.members[RoleKind.MANAGER]
    task_create(membership=manager, title="Check the pumps", notify=False)
    sign_in(manager)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto("/tasks/all/?status=in_progress&sort=-priority&page_size=100")
    form = page.get_by_test_id("task-filters")
    expect(form.get_by_label("Search")).to_be_visible()
    expect(form.get_by_label("Sort by")).to_be_hidden()
    # The status filter as a chip (the sort and the page size are not filters).
    expect(page.get_by_test_id("task-chip")).to_have_count(1)

    page.get_by_test_id("task-chip").click()

    expect(page.get_by_test_id("task-chip")).to_have_count(0)
    first = page.get_by_test_id("task-row").first.bounding_box()
    assert first is not None and first["y"] < 300, first  # was 480 with the filters open
    page.get_by_test_id("task-filter-toggle").click()
    # Open once Bootstrap's sliding is over (it is "collapsing" meanwhile).
    expect(page.locator("#task-filter-panel")).to_have_class("collapse show")
    expect(form.get_by_label("Sort by")).to_be_visible()
    expect(form.get_by_label("Sort by")).to_have_value("-priority")
    for label in ("Status", "Priority", "Assignee", "Due from", "Due until", "Overdue"):
        box = form.get_by_label(label, exact=True).bounding_box()
        assert box is not None and box["width"] >= MIN_CONTROL_PX, (label, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    screenshot(page, f"filter-bar-tasks-{WIDTH}")


def test_the_audit_filters_fit_on_two_rows_at_1280_px(page, world, sign_in, screenshot):
    sign_in(world.members[RoleKind.ADMIN])
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto("/org/audit/")
    form = page.locator("form[role=search]")
    expect(form.get_by_label("Target type")).to_be_visible()

    rows = check_layout(form, max_rows=2)

    assert rows[0][0] == "q"
    assert any({"date_from", "date_to"} <= set(row) for row in rows)
    screenshot(page, f"filter-bar-audit-{WIDTH}")
