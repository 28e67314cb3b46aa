"""The shell in a real headless Chromium: color modes before paint, and no CSP violation.

Skipped when no Chromium is installed (``apt-get install chromium``). The full browser suite
(clicks, forms) lives elsewhere; this drives the command-line browser only.
"""

import re
import shutil
import subprocess

import pytest

from opsbase.apps.roles.constants import RoleKind

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
    pytest.mark.usefixtures("web_urls"),
]


def browse(url: str, *, dark: bool = False, screenshot=None) -> tuple[str, str]:
    """The DOM after the page loaded and ran its scripts, and the browser's console log."""
    args = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,900",
        "--virtual-time-budget=3000",
    ]
    if dark:
        args.append("--force-dark-mode")
    args.append(f"--screenshot={screenshot}" if screenshot else "--dump-dom")
    result = subprocess.run(  # noqa: S603 - a fixed local binary and arguments
        [*args, url], capture_output=True, text=True, timeout=60, check=False
    )
    return result.stdout, result.stderr


def csp_violations(log: str) -> list[str]:
    return [line for line in log.splitlines() if "Content Security Policy" in line]


@pytest.mark.parametrize(("dark", "theme"), [(False, "light"), (True, "dark")])
def test_auto_mode_follows_the_os_on_error_pages(live_server, dark, theme):
    dom, log = browse(f"{live_server.url}/no/such/page/", dark=dark)
    assert re.search(rf'<html[^>]*data-bs-theme="{theme}"', dom)
    assert 'data-opsbase-color-mode="auto"' in dom
    assert re.search(r'data-bs-theme-value="auto" aria-pressed="true"', dom)
    assert csp_violations(log) == []


@pytest.mark.parametrize(("dark", "theme"), [(False, "light"), (True, "dark")])
def test_dashboard_renders_in_both_modes_without_csp_violations(live_server, world, dark, theme):
    user = world.members[RoleKind.MANAGER].user
    dom, log = browse(f"{live_server.url}/t/login-as/{user.pk}/?next=/", dark=dark)
    assert re.search(rf'<html[^>]*data-bs-theme="{theme}"', dom)
    assert "You are signed in as Manager." in dom
    # htmx loaded but, as configured, injected no <style> of its own.
    assert "<style" not in dom
    assert csp_violations(log) == []
