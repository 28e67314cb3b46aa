"""Without Chromium the browser suite skips with the fix named, and fails where CI demands it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def run_suite_without_chromium(*, require: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_ADDOPTS")}
    env["OPSBASE_CHROMIUM"] = str(ROOT / "no-such-chromium")
    if require:
        env["OPSBASE_REQUIRE_BROWSER"] = "1"
    else:
        env.pop("OPSBASE_REQUIRE_BROWSER", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/browser/test_api_docs.py",
            "-p",
            "no:cacheprovider",
            "-rsE",
            "--no-header",
            "-q",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_chromium_the_suite_skips_and_names_the_package():
    result = run_suite_without_chromium(require=False)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "apt-get install chromium" in result.stdout


def test_without_chromium_the_suite_fails_when_the_browser_is_required():
    result = run_suite_without_chromium(require=True)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout
    assert "apt-get install chromium" in result.stdout
    assert "OPSBASE_REQUIRE_BROWSER=1" in result.stdout
