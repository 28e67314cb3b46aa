"""Vendored front-end files: present, self-contained, and collectable for production."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

import opsbase.web

WEB = Path(opsbase.web.__file__).parent
TEMPLATES = WEB / "templates"
VENDOR = WEB / "static" / "opsbase" / "vendor"
STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""")


def static_references():
    refs = set()
    for template in TEMPLATES.rglob("*.html"):
        refs.update(STATIC_TAG.findall(template.read_text()))
    return sorted(refs)


def test_the_shell_loads_bootstrap_htmx_icons_and_its_own_files():
    refs = static_references()
    for wanted in (
        "opsbase/vendor/bootstrap/bootstrap.min.css",
        "opsbase/vendor/bootstrap/bootstrap.bundle.min.js",
        "opsbase/vendor/htmx/htmx.min.js",
        "opsbase/vendor/bootstrap-icons/bootstrap-icons.min.css",
        "opsbase/js/color-mode.js",
        "opsbase/js/opsbase.js",
        "opsbase/css/opsbase.css",
    ):
        assert wanted in refs


@pytest.mark.parametrize("path", static_references())
def test_every_static_file_a_template_references_exists(path):
    assert finders.find(path), f"{path} is referenced by a template but not in static files"


def test_icon_fonts_the_icon_stylesheet_points_at_are_vendored():
    css = (VENDOR / "bootstrap-icons" / "bootstrap-icons.min.css").read_text()
    fonts = re.findall(r'url\("?([^")?]+)', css)
    assert {"fonts/bootstrap-icons.woff2", "fonts/bootstrap-icons.woff"} <= set(fonts)
    for font in fonts:
        assert (VENDOR / "bootstrap-icons" / font).stat().st_size > 10_000


def test_each_vendored_package_keeps_its_license():
    for package in ("bootstrap", "htmx", "bootstrap-icons"):
        # Bootstrap and Bootstrap Icons are MIT, htmx is Zero-Clause BSD.
        assert "Permission" in (VENDOR / package / "LICENSE").read_text()


def test_vendored_files_reference_no_missing_source_maps_or_other_hosts():
    for path in VENDOR.rglob("*"):
        if path.suffix not in (".js", ".css"):
            continue
        text = path.read_text()
        assert "sourceMappingURL" not in text, path
        # Bootstrap embeds SVG data URIs whose xmlns is a name, not a request.
        urls = re.findall(r'url\(\s*["\']?(https?://[^"\')]+)', text)
        assert urls == [], path


def test_vendored_files_stay_small():
    total = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    assert total < 1_200_000


def test_collectstatic_with_the_production_manifest_storage_succeeds(settings, tmp_path):
    # Given the storage production uses, which rewrites url() and source-map references
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    # When every static file is collected
    call_command("collectstatic", interactive=False, verbosity=0)
    # Then the hashed icon stylesheet points at hashed fonts that exist
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "opsbase/vendor/bootstrap-icons/fonts/bootstrap-icons.woff2" in manifest
    icons = tmp_path / "opsbase/vendor/bootstrap-icons"
    hashed_css = next(icons.glob("bootstrap-icons.min.*[0-9a-f].css"))
    font = re.search(r'url\("?(fonts/bootstrap-icons\.[0-9a-f]+\.woff2)', hashed_css.read_text())
    assert font and (icons / font.group(1)).exists()
