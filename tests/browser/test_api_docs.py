"""The API documentation page in the browser: Swagger UI renders the schema under the CSP."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_lists_the_operations_without_console_errors(page, db):
    page.goto("/api/docs/")

    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.get_by_text("/api/v1/auth/token/").first).to_be_visible()
