"""The API docs in a real headless Chromium: Swagger UI renders the schema under the CSP."""

import pytest

from tests.web.test_browser import CHROMIUM, browse, csp_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]


def test_swagger_ui_renders_the_operations_without_csp_violations(live_server):
    dom, log = browse(f"{live_server.url}/api/docs/")

    assert "opblock" in dom, "Swagger UI did not render any operation"
    assert "/api/v1/auth/token/" in dom
    assert csp_violations(log) == []
