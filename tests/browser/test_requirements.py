"""Without Chromium the browser suite skips with the fix named, and fails where CI demands it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_chromium_starts(browser):
    page = browser.new_page()
    try:
        assert "HeadlessChrome" in page.evaluate("navigator.userAgent")
    finally:
        page.close()


def start_without_chromium(*, require: bool) -> subprocess.Popen:
    """``test_chromium_starts`` in a pytest of its own, pointed at a Chromium that is not there."""
    # Its own run: no database URL (it must not touch this run's test database), no flags of
    # this process.
    dropped = ("DATABASE_URL", "PYTEST_ADDOPTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["OPSBASE_CHROMIUM"] = str(ROOT / "no-such-chromium")
    env.pop("OPSBASE_REQUIRE_BROWSER", None)
    if require:
        env["OPSBASE_REQUIRE_BROWSER"] = "1"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/browser/test_requirements.py::test_chromium_starts",
        "-p",
        "no:cacheprovider",
        "-rsE",
        "--no-header",
        "-q",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


@pytest.fixture(scope="module")
def runs_without_chromium():
    """Both runs at once (each is mostly start-up time): {require: (exit code, output)}."""
    started = {require: start_without_chromium(require=require) for require in (False, True)}
    results = {}
    for require, process in started.items():
        output, _ = process.communicate(timeout=120)
        results[require] = (process.returncode, output)
    return results


def test_without_chromium_the_suite_skips_and_names_the_package(runs_without_chromium):
    code, output = runs_without_chromium[False]

    assert code == 0, output
    assert "1 skipped" in output
    assert "Chromium is not installed: apt-get install chromium" in output


def test_without_chromium_the_suite_fails_when_the_browser_is_required(runs_without_chromium):
    code, output = runs_without_chromium[True]

    assert code == 1, output
    assert "1 error" in output
    assert "apt-get install chromium" in output
    assert "OPSBASE_REQUIRE_BROWSER=1" in output
