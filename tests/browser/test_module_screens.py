"""Every module's main pages (its sidebar entries, with the demo's records) and the merge
screen, at 1280 and 390 px, light and dark: a screenshot each
(``test-artifacts/screenshots/module-<page>-<width>-<mode>.png``), no sideways scroll, and no
text below the WCAG AA contrast per axe-core."""

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from opsbase.kernel.modules import modules_in_dependency_order
from opsbase.kernel.roles.constants import RoleKind

from .test_screens import WIDTHS, contrast_problems

pytestmark = [pytest.mark.browser]


def _module_pages() -> dict[str, str]:
    pages = {}
    for config in modules_in_dependency_order():
        for item in config.navigation:
            try:
                pages[item.url_name.replace(":", "-")] = reverse(item.url_name)
            except NoReverseMatch:  # an entry that needs arguments
                continue
    return pages


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_module_pages_read_well_at_both_widths(page, world, sign_in, screenshot, color_scheme):
    from opsbase.modules.leads.services import lead_create

    admin = world.members[RoleKind.ADMIN]
    for config in modules_in_dependency_order():
        config.demo_seed(tenant=admin.tenant)
    first = lead_create(membership=admin, name="Ada Park", email="ada@initech.test")
    second = lead_create(
        membership=admin, name="Ada P.", email="ADA@initech.test", company="Initech Holdings"
    )
    pages = {
        **_module_pages(),
        "leads-merge": f"/leads/{first.pk}/merge/{second.pk}/",
        "leads-duplicate": f"/leads/{second.pk}/",
    }
    sign_in(admin)
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            response = page.goto(url)
            assert response is not None and response.status == 200, (name, url)
            expect(page.locator("h1").first).to_be_visible()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"{name} at {width}: {overflow} px of sideways scroll")
            problems += [f"{name} at {width}: {p}" for p in contrast_problems(page)]
            screenshot(page, f"module-{name}-{width}-{color_scheme}")
    assert problems == [], "\n".join(problems)
