"""`update_available` and `upgrade_project`: a newer template merges into a project."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from opsbase.provision.scaffold import (
    TEMPLATE_DIR,
    ProjectSpec,
    ScaffoldError,
    git_init,
    render_project,
    update_available,
    upgrade_project,
)

pytestmark = pytest.mark.slow


def _git(project, *args):
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def template(tmp_path):
    """A copy of the packaged template that the test may change."""
    copy = tmp_path / "template"
    shutil.copytree(TEMPLATE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture
def project(tmp_path, store, template):
    spec = ProjectSpec(
        dest=tmp_path / "shop", name="shop", public_url="https://shop.example.com", modules=()
    )
    render_project(spec, template=template)
    git_init(spec.dest)
    return spec.dest


def test_no_update_is_reported_while_the_template_is_unchanged(project, template):
    assert update_available(project, template=template) is None


def test_a_template_change_is_reported_with_both_versions(project, template):
    rendered = yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"]
    (template / "template/scripts/backup.sh").write_text("#!/bin/sh\n")

    available = update_available(project, template=template)

    assert available is not None
    assert available[0] == rendered
    assert available[1] != rendered


def test_upgrade_brings_the_template_change_and_keeps_the_users_edit(project, template):
    views = project / "apps/main/views.py"
    views.write_text(views.read_text() + "\n\ndef about(request):\n    return None\n")
    _git(project, "commit", "-q", "-am", "An about page")
    template_views = template / "template/apps/main/views.py"
    template_views.write_text(
        template_views.read_text().replace(
            '"""The home page:', '"""The home page (revised template):', 1
        )
    )
    (template / "template/scripts/backup.sh").write_text("#!/bin/sh\necho backup\n")

    result = upgrade_project(project, template=template)

    merged = views.read_text()
    assert "(revised template)" in merged
    assert "def about(request):" in merged
    assert "<<<<<<<" not in merged
    assert (project / "scripts/backup.sh").read_text() == "#!/bin/sh\necho backup\n"
    assert update_available(project, template=template) is None
    assert result.conflicts == ()
    assert "apps/main/views.py" in result.changed


def test_a_conflicting_change_is_reported_by_file(project, template):
    home = project / "apps/main/templates/main/home.html"
    home.write_text(home.read_text().replace("Your operations", "Our plant's operations"))
    _git(project, "commit", "-q", "-am", "Our own wording")
    template_home = template / "template/apps/main/templates/main/home.html"
    template_home.write_text(
        template_home.read_text().replace("Your operations", "Every operation")
    )

    result = upgrade_project(project, template=template)

    assert result.conflicts == ("apps/main/templates/main/home.html",)
    assert "<<<<<<< before updating" in home.read_text()


@pytest.mark.parametrize(
    "path",
    ["Dockerfile.jinja", "docker-compose.yml.jinja", "gunicorn.conf.py.jinja",
     "scripts/monitor_services.sh", "deploy/docker/nginx/site.conf.jinja"],
)  # fmt: skip
def test_the_serving_files_come_from_the_template_and_are_upgraded(project, template, path):
    source = template / "template" / path
    source.write_text(source.read_text() + "\n# revised by a newer template\n")

    result = upgrade_project(project, template=template)

    rendered = project / path.removesuffix(".jinja")
    assert rendered.read_text().endswith("# revised by a newer template\n")
    assert result.conflicts == ()


def test_what_deploy_writes_for_this_machine_never_blocks_an_upgrade(project, template):
    # A project made before the template ignored deploy output: its .gitignore lacks it.
    ignore = project / ".gitignore"
    ignore.write_text(ignore.read_text().replace("deploy/nginx/\n", "").replace(
        "deploy/systemd/\n", ""))  # fmt: skip
    _git(project, "commit", "-q", "-am", "An older .gitignore")
    for path in ("deploy/nginx/shop.conf", "deploy/systemd/shop.service"):
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text("# written by opsbase deploy\n")
    (template / "template/scripts/backup.sh").write_text("#!/bin/sh\n")

    result = upgrade_project(project, template=template)

    assert (project / "scripts/backup.sh").exists()
    assert result.conflicts == ()
    assert (project / "deploy/nginx/shop.conf").exists()


def test_a_new_project_ignores_what_deploy_writes(project):
    for path in ("deploy/nginx/shop.conf", "deploy/systemd/shop.service"):
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text("# written by opsbase deploy\n")

    assert _git(project, "status", "--porcelain") == ""


def test_upgrade_refuses_a_project_with_uncommitted_changes(project, template):
    (project / "README.md").write_text("edited, not committed\n")
    (template / "template/scripts/backup.sh").write_text("#!/bin/sh\n")

    with pytest.raises(ScaffoldError, match="uncommitted changes") as caught:
        upgrade_project(project, template=template)

    assert "commit" in caught.value.fix
    assert not (project / "scripts/backup.sh").exists()


def test_a_directory_not_made_by_opsbase_is_named_as_such(tmp_path):
    with pytest.raises(ScaffoldError, match=r"no \.copier-answers\.yml"):
        update_available(tmp_path)
