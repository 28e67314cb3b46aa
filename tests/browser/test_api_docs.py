"""The API documentation page in the browser: Swagger UI renders the schema under the CSP."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Swagger UI builds the page of every operation in the browser: beside a full test run on two
# cores that took longer than Playwright's default 5 s once; 20 s is still a failure to show.
RENDERED = 20_000


def test_swagger_ui_lists_the_operations_without_console_errors(page, db):
    page.goto("/api/docs/")

    expect(page.locator(".opblock").first).to_be_visible(timeout=RENDERED)
    expect(page.get_by_text("/api/v1/auth/token/").first).to_be_visible()


@pytest.mark.parametrize("color_scheme", ["dark"])
def test_the_api_docs_follow_the_dark_mode(page, db, screenshot, color_scheme):
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=RENDERED)

    assert page.locator("html").get_attribute("data-bs-theme") == "dark"
    # What the eye sees: the page's background and the operations' text are dark and light.
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert body == "rgb(27, 30, 33)"
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.swagger-ui')).filter"
    ).startswith("invert(")
    screenshot(page, "api-docs-dark")
