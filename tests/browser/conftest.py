"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the session, a fresh context (cookies, storage, color scheme) per test. Every
page a test opens is watched: a console error, an uncaught page error, a Content Security
Policy violation or a failed sub-request fails the test (see ``PageWatch``).

Chromium missing: the tests skip, naming ``apt-get install chromium``; with
``OPSBASE_REQUIRE_BROWSER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from opsbase.testing.matrix import session_client

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1280, "height": 900}
# Generous for a 2-core machine running other suites, short enough to fail fast.
TIMEOUT_MS = 10_000

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("OPSBASE_TEST_ARTIFACTS", ROOT / "test-artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"

# A script run in every page before its own: reports CSP violations to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__opsbaseCspViolation({
    directive: e.violatedDirective, blocked: e.blockedURI,
    source: e.sourceFile, line: e.lineNumber, sample: e.sample,
  });
});
"""


def chromium_path() -> str | None:
    """The Chromium to drive: ``OPSBASE_CHROMIUM``, else Debian's."""
    configured = os.environ.get("OPSBASE_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(reason: str):
    """Skip, or fail when the environment demands the browser tests run (CI)."""
    if os.environ.get("OPSBASE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (OPSBASE_REQUIRE_BROWSER=1 requires the browser tests to run)")
    pytest.skip(reason)


@dataclass
class PageWatch:
    """What went wrong in the pages of one browser context, as lines a person can read."""

    problems: list[str] = field(default_factory=list)
    # Paths whose documents are expected to answer with an error status (a test of a 404).
    expected_errors: set[str] = field(default_factory=set)

    def expect_error_status(self, path: str) -> None:
        """The document at *path* answers 4xx/5xx on purpose: not a problem for this test."""
        self.expected_errors.add(path)

    def _expected(self, url: str) -> bool:
        return urlsplit(url).path in self.expected_errors

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        location = message.location.get("url", "") if message.location else ""
        # Chromium logs the error status of a document as a console error; fine when wanted.
        if message.text.startswith("Failed to load resource") and self._expected(location):
            return
        self.problems.append(f"console error: {message.text} ({location})")

    def on_page_error(self, error) -> None:
        self.problems.append(f"page error: {error}")

    def on_csp(self, source, violation) -> None:
        self.problems.append(
            "CSP violation: {directive} blocked {blocked!r} ({source}:{line}) {sample}".format(
                **violation
            )
        )

    def on_response(self, response) -> None:
        if response.status >= 400 and not self._expected(response.url):
            self.problems.append(f"HTTP {response.status} for {response.url}")

    def on_request_failed(self, request) -> None:
        failure = request.failure or ""
        # A navigation started while a page was loading cancels the old page's requests.
        if "ERR_ABORTED" in failure:
            return
        self.problems.append(f"request failed: {request.url} ({failure})")

    def assert_clean(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "The browser reported problems:\n  " + "\n  ".join(problems)


# Package scope: the browser is started once for all the tests of tests/browser and stopped
# after the last one, so nothing of it (the variable below included) outlives this package.
@pytest.fixture(scope="package")
def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: make install (it is in the dev extras)")
    # Playwright's sync API keeps an asyncio loop running in this thread; Django would take
    # every ORM call made here meanwhile (factories, the flush between tests) for one made
    # from async code. Set only while Playwright runs: `check --deploy` in a subprocess of a
    # later test would otherwise inherit it and fail (async.E001).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        manager = sync_playwright().start()
        yield manager
        manager.stop()


@pytest.fixture(scope="package")
def browser(_playwright):
    """Debian's Chromium, launched once for the browser tests (no browser download)."""
    executable = chromium_path()
    if executable is None:
        _unavailable("Chromium is not installed: apt-get install chromium")
    browser = _playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def color_scheme():
    """The operating system's preference the context emulates; override to test dark."""
    return "light"


@pytest.fixture
def watch():
    return PageWatch()


@pytest.fixture
def context(browser, live_server, watch, color_scheme):
    """A fresh browser context on the live server; every page in it is watched."""
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORT, color_scheme=color_scheme
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.expose_binding("__opsbaseCspViolation", watch.on_csp)
    context.add_init_script(CSP_LISTENER)

    def attach(page):
        page.on("console", watch.on_console)
        page.on("pageerror", watch.on_page_error)
        page.on("response", watch.on_response)
        page.on("requestfailed", watch.on_request_failed)

    context.on("page", attach)
    yield context
    context.close()


@pytest.fixture
def page(context, request):
    """A page in the test's context; a screenshot is kept in test-artifacts when it fails."""
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not page.is_closed():
        FAILURES.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.name)
        # A page that cannot be photographed must not hide the failure itself.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(FAILURES / f"{name}.png"), full_page=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After the test body: whatever the watched pages reported fails the test."""
    result = yield
    watch = item.funcargs.get("watch") if hasattr(item, "funcargs") else None
    if watch is not None:
        watch.assert_clean()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@pytest.fixture
def sign_in(context, live_server):
    """Put a signed-in session of *membership* (its tenant active) into the browser."""

    def sign_in(membership) -> None:
        client = session_client(membership)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return sign_in


@pytest.fixture
def screenshot():
    """Save the page as ``test-artifacts/screenshots/<name>.png`` (kept on every run)."""

    def screenshot(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return screenshot
