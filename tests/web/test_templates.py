"""Every template of the library obeys the shell's rules: strict CSP, no dead links, no CDN."""

import re
from pathlib import Path

import pytest

import opsbase
import opsbase.web

SRC = Path(opsbase.__file__).parent
ALL_TEMPLATES = sorted(
    p for p in SRC.rglob("*") if p.is_file() and "templates" in p.relative_to(SRC).parts
)
WEB_TEMPLATES = sorted((Path(opsbase.web.__file__).parent / "templates").rglob("*.html"))


def ids(paths):
    return [str(p.relative_to(SRC)) for p in paths]


def test_templates_are_found():
    assert len(ALL_TEMPLATES) >= len(WEB_TEMPLATES) >= 10


@pytest.mark.parametrize("path", ALL_TEMPLATES, ids=ids(ALL_TEMPLATES))
def test_no_template_links_to_another_host(path):
    urls = re.findall(r"https?://[^\s\"'<>)]+", path.read_text())
    foreign = [u for u in urls if not u.startswith("http://www.w3.org/")]
    assert foreign == []


@pytest.mark.parametrize("path", ALL_TEMPLATES, ids=ids(ALL_TEMPLATES))
def test_no_link_points_at_hash(path):
    assert re.search(r"""href\s*=\s*(["'])#\1""", path.read_text()) is None


@pytest.mark.parametrize("path", ALL_TEMPLATES, ids=ids(ALL_TEMPLATES))
def test_no_inline_script_or_style(path):
    text = path.read_text()
    for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
        assert "src=" in tag, f"inline script: {tag}"
    assert re.search(r"<style\b", text, flags=re.IGNORECASE) is None
    assert re.search(r"""\sstyle\s*=\s*["']""", text, flags=re.IGNORECASE) is None
    # Inline event handlers (onclick=...) are inline scripts too.
    assert re.search(r"""\son[a-z]+\s*=\s*["']""", text, flags=re.IGNORECASE) is None


@pytest.mark.parametrize("path", WEB_TEMPLATES, ids=ids(WEB_TEMPLATES))
def test_shell_templates_use_colors_that_follow_the_color_mode(path):
    fixed = re.findall(
        r"\b(?:bg-(?:white|light|dark)|text-(?:dark|black|white)|navbar-(?:light|dark)|"
        r"btn-(?:light|dark)|table-(?:light|dark))\b",
        path.read_text(),
    )
    assert fixed == []
