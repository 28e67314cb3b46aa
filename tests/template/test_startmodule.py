"""``manage.py startmodule``: a module made in a new project works with no other file edited:
its first migration, its generated tests (the kit's matrix), its pages and API."""

from __future__ import annotations

import subprocess
import sys

import pytest

from opsbase.kit.management.commands.startmodule import model_name_for
from opsbase.provision.scaffold import STORE_VARIABLE, ProjectSpec, render_project, write_env_files

from .conftest import PRODUCTION_SERVICES, project_env, run, sqlite_urls

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def plant(tmp_path_factory) -> ProjectSpec:
    root = tmp_path_factory.mktemp("plant")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(STORE_VARIABLE, str(root / "store"))
        spec = ProjectSpec(
            dest=root / "plant", name="plant", public_url="https://plant.example.com"
        )
        render_project(spec)
        write_env_files(
            spec.dest, spec, database_urls=sqlite_urls(spec.dest), services=PRODUCTION_SERVICES
        )
    subprocess.run(["git", "init", "-q"], cwd=spec.dest, check=True)
    subprocess.run(["git", "add", "-A"], cwd=spec.dest, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t.test", "commit", "-qm", "new"],
        cwd=spec.dest, check=True,
    )  # fmt: skip
    return spec


def changed_files(project) -> list[str]:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=project, capture_output=True, text=True, check=True,
    )  # fmt: skip
    # The databases the commands opened are not the project's files.
    return sorted(line[3:] for line in status.stdout.splitlines() if not line.endswith(".sqlite3"))


def test_a_new_module_migrates_passes_its_tests_and_answers(plant):
    made = run(plant.dest, "manage.py", "startmodule", "spare_parts")
    assert made.returncode == 0, made.stderr
    assert "Create model SparePart" in made.stdout
    # A running server loaded its apps before the module existed: the user is told.
    assert "restart a running server" in made.stdout and "/spare-parts/" in made.stdout

    # Only the module's own folder is new: no shared file was edited.
    assert {
        path.rsplit("/", 1)[0].split("/migrations")[0] for path in changed_files(plant.dest)
    } == {
        "apps/spare_parts",
        "apps/spare_parts/tests",
    }
    assert "apps/spare_parts/migrations/0001_initial.py" in changed_files(plant.dest)

    tests = run(plant.dest, "-m", "pytest", "apps/spare_parts", "-q", "-p", "no:cacheprovider")
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout and "failed" not in tests.stdout

    probe = (
        "from django.test import Client; from django.urls import reverse; "
        "c = Client(HTTP_HOST='127.0.0.1'); "
        "print(c.get('/spare-parts/').status_code, c.get('/api/v1/spare-parts/').status_code, "
        "reverse('spare_parts:sparepart_list'))"
    )
    answered = run(plant.dest, "manage.py", "shell", "-c", probe)
    assert answered.returncode == 0, answered.stderr
    # Signed out: the page sends to the sign-in, the API asks for credentials.
    assert answered.stdout.split()[-3:] == ["302", "401", "/spare-parts/"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Things"], "is not a module name"),
        (["class"], "is not a module name"),
        (["tasks"], "is installed already"),
        (["main"], "is installed already"),
        (["gadgets", "--dest", "templates"], "exists and is not empty"),
        (["gadgets", "--dest", "/var/opsbase-elsewhere"], "must be below the current folder"),
    ],
)
def test_a_bad_name_is_refused_naming_the_problem(plant, args, message):
    made = run(plant.dest, "manage.py", "startmodule", *args)

    assert made.returncode == 1
    assert message in made.stderr
    assert "Traceback" not in made.stderr


@pytest.mark.parametrize(
    ("module", "model"),
    [
        ("things", "Thing"),
        ("work_orders", "WorkOrder"),
        ("batteries", "Battery"),
        ("glass", "Glass"),
    ],
)
def test_the_model_is_named_after_the_module(module, model):
    assert model_name_for(module) == model


def test_the_cli_runs_it_in_the_project_named(plant, tmp_path):
    made = subprocess.run(
        [sys.executable, "-m", "opsbase.cli", "startmodule", "gizmos", "--dest", str(plant.dest)],
        cwd=tmp_path, env=project_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    refused = subprocess.run(
        [sys.executable, "-m", "opsbase.cli", "startmodule", "gizmos", "--dest", str(tmp_path)],
        cwd=tmp_path, env=project_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert made.returncode == 0, made.stdout + made.stderr
    assert (plant.dest / "apps" / "gizmos" / "migrations" / "0001_initial.py").is_file()
    assert refused.returncode == 2
    assert "is not an OpsBase project" in refused.stdout + refused.stderr
