"""The analytics dashboard in a real browser, at 1280 and 390 px, light and dark: the KPI
tiles, every chart drawn by the vendored Chart.js (no CSP violation, no console error), the
charts' colours read from the theme, no sideways scroll, WCAG AA contrast (axe-core), and a
screenshot each (``test-artifacts/screenshots/analytics-dashboard-<width>-<mode>.png``)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from opsbase.kernel.modules import modules_in_dependency_order
from opsbase.kernel.roles.constants import RoleKind

from .test_screens import WIDTHS, contrast_problems

pytestmark = [pytest.mark.browser]


def _seed(admin):
    from opsbase.modules.billing.services import invoice_create, invoice_issue, payment_record
    from opsbase.modules.customers.models import Customer
    from opsbase.modules.tasks.services import task_create, task_transition

    for config in modules_in_dependency_order():
        config.demo_seed(tenant=admin.tenant)
    for n in range(3):
        task = task_create(membership=admin, title=f"Inspect rig {n}", notify=False)
        task_transition(membership=admin, task=task, transition="complete")
    customer = Customer.objects.for_tenant(admin.tenant).filter(currency="EUR").first()
    if customer is None:
        customer = Customer(tenant=admin.tenant, name="Initech", currency="EUR")
        customer.save()
    line = {"description": "Inspection", "quantity": Decimal(1), "unit_amount": Decimal("900")}
    invoice = invoice_create(membership=admin, customer=customer, lines=[line])
    invoice_issue(membership=admin, invoice=invoice)
    payment_record(
        membership=admin, customer=customer, amount="400", allocations=[(invoice, "400")]
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_dashboard_draws_its_tiles_and_charts_at_both_widths(
    page, world, sign_in, screenshot, color_scheme
):
    admin = world.members[RoleKind.ADMIN]
    _seed(admin)
    sign_in(admin)
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/?range=90")
        expect(page.locator("h1")).to_have_text("Dashboard")
        expect(page.get_by_test_id("kpi-tasks-open")).to_be_visible()
        expect(page.get_by_test_id("kpi-revenue-paid")).to_contain_text("EUR")
        canvases = page.locator("canvas[data-opsbase-chart]")
        expect(page.locator("html")).to_have_attribute("data-charts-drawn", str(canvases.count()))
        assert canvases.count() >= 3
        # Chart.js drew on each canvas (a blank canvas has no painted pixel)
        painted = page.evaluate(
            """() => Array.from(document.querySelectorAll('canvas[data-opsbase-chart]')).map(
                 (c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                          for (let i = 3; i < d.length; i += 4) { if (d[i]) return true; }
                          return false; })"""
        )
        assert all(painted), painted
        # the axes' text is the theme's body colour
        tick_colour = page.evaluate(
            "() => Chart.getChart(document.querySelector('canvas[data-opsbase-chart]'))"
            ".options.scales.x.ticks.color"
        )
        body_colour = page.evaluate(
            "() => getComputedStyle(document.body).getPropertyValue('--bs-body-color').trim()"
        )
        assert tick_colour == body_colour
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"dashboard at {width}: {overflow} px of sideways scroll")
        # A card's labels keep their words whole ("Issued", never "Issu" / "ed"), however
        # long the figure beside them: a label spans at most one line per word.
        broken = page.evaluate(
            """() => Array.from(document.querySelectorAll(
                 '[data-testid^="dashboard-card-"] .list-group-item > span:first-child')).filter(
                 (el) => { const r = document.createRange(); r.selectNodeContents(el);
                           const lines = new Set(Array.from(r.getClientRects(),
                                                            (b) => Math.round(b.top)));
                           return lines.size > el.textContent.trim().split(/\\s+/).length; })
                 .map((el) => el.textContent.trim())"""
        )
        problems += [f"dashboard at {width}: label broken inside a word: {b}" for b in broken]
        problems += [f"dashboard at {width}: {p}" for p in contrast_problems(page)]
        screenshot(page, f"analytics-dashboard-{width}-{color_scheme}")
    assert problems == [], "\n".join(problems)


def test_the_charts_follow_a_theme_switch_and_the_range_picker(page, world, sign_in):
    admin = world.members[RoleKind.ADMIN]
    _seed(admin)
    sign_in(admin)
    page.goto("/")
    canvases = page.locator("canvas[data-opsbase-chart]")
    expect(canvases.first).to_be_visible()
    drawn = str(canvases.count())  # one per chart the installed modules contribute
    expect(page.locator("html")).to_have_attribute("data-charts-drawn", drawn)

    page.evaluate("document.documentElement.setAttribute('data-bs-theme', 'dark')")
    dark_text = page.evaluate(
        "() => getComputedStyle(document.body).getPropertyValue('--bs-body-color').trim()"
    )
    tick = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-opsbase-chart]'))"
        ".options.scales.x.ticks.color"
    )
    assert tick == dark_text

    page.get_by_test_id("range-7").click()
    page.wait_for_url("**/?range=7")
    expect(page.get_by_test_id("range-7")).to_have_attribute("aria-current", "true")
    page.get_by_test_id("range-custom").click()
    form = page.get_by_test_id("dashboard-custom-range")
    expect(form).to_be_visible()
    form.get_by_label("From").fill("2026-01-01")
    form.get_by_label("To").fill("2026-01-31")
    form.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("dashboard-period")).to_contain_text("2026")
    assert "range=custom" in page.url
