"""The pieces of the pipeline: command runner, journal, interpreters, lock export, packages."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from opsbase.provision import poetry_env, pythons, system_packages
from opsbase.provision.commands import CommandLog, run
from opsbase.provision.errors import InputError, StepFailed
from opsbase.provision.inputs import Inputs
from opsbase.provision.journal import DONE, RUNNING, Journal
from opsbase.provision.runner import resume_or_new


def test_a_command_is_logged_with_its_output_once_the_project_exists(tmp_path: Path):
    log = CommandLog(step="demo")
    run([sys.executable, "-c", "print('hello')"], log=log)
    assert log.path is None

    log.attach(tmp_path / "logs" / "provision.log")
    run([sys.executable, "-c", "print('again')"], log=log)

    text = (tmp_path / "logs" / "provision.log").read_text()
    assert "hello" in text and "again" in text
    assert "[demo] $ " in text


def test_a_failed_command_names_itself_its_output_tail_and_the_fix(tmp_path: Path):
    log = CommandLog(step="dependencies")
    script = "import sys; [print(f'line {i}') for i in range(50)]; sys.exit(3)"

    with pytest.raises(StepFailed) as caught:
        run([sys.executable, "-c", script], log=log, fix="try again")

    error = caught.value
    assert error.step == "dependencies"
    assert "exited with 3" in error.message
    assert error.output_tail.splitlines()[-1] == "line 49"
    assert "line 10" not in error.output_tail
    assert error.fix == "try again"


def test_secrets_never_reach_the_log(tmp_path: Path):
    log = CommandLog()
    log.attach(tmp_path / "provision.log")

    run(
        [sys.executable, "-c", "print('pw=hunter2-long-secret')"],
        log=log,
        secrets=["hunter2-long-secret"],
    )

    assert "hunter2" not in (tmp_path / "provision.log").read_text()


def test_a_missing_program_is_a_clear_failure():
    with pytest.raises(StepFailed) as caught:
        run(["opsbase-no-such-program"], log=CommandLog())

    assert "is not installed" in caught.value.message


def test_the_journal_appears_only_once_the_project_is_ours(tmp_path: Path):
    dest = tmp_path / "p"
    dest.mkdir()
    journal = Journal(dest=dest, inputs={"name": "shop"})
    journal.mark("python", DONE)
    assert not (dest / ".opsbase").exists()

    journal.active = True
    journal.mark("scaffold", RUNNING)

    loaded = Journal.load(dest)
    assert loaded is not None
    assert loaded.is_finished("python") and not loaded.is_finished("scaffold")
    assert (dest / ".opsbase" / ".gitignore").read_text().strip().endswith("*")


def test_a_finished_project_is_not_provisioned_again(tmp_path: Path):
    journal = Journal(dest=tmp_path, inputs={"name": "shop"}, active=True)
    journal.mark("scaffold", DONE)

    with pytest.raises(InputError) as caught:
        resume_or_new(Inputs(dest=tmp_path, name="shop", url="https://s.example.com"))

    assert "already a provisioned OpsBase project" in caught.value.message


def test_an_unfinished_project_of_another_name_is_not_resumed(tmp_path: Path):
    journal = Journal(dest=tmp_path, inputs={"name": "shop"}, active=True)
    journal.mark("dependencies", RUNNING)

    with pytest.raises(InputError) as caught:
        resume_or_new(Inputs(dest=tmp_path, name="store", url="https://s.example.com"))

    assert "--name shop" in caught.value.fix


POETRY_LIST = """\
 Version Implementation Manager Path
 3.13.0  CPython        System  /root/.pyenv/versions/3.13.0/bin/python3.13
 3.12.1  CPython        System  /root/.pyenv/versions/3.12.1/bin/python3.12
 3.12.1  CPython        System  /root/.pyenv/versions/3.12.1/bin/python3
 3.14.0  CPython        Poetry  Available for download
 3.10.9  PyPy           Poetry  Available for download
"""


def test_poetry_python_list_is_read_into_installed_and_downloadable_cpythons():
    found = pythons.parse_poetry_list(POETRY_LIST)

    assert [(i.version, i.installed) for i in found] == [
        ("3.13.0", True),
        ("3.12.1", True),
        ("3.12.1", True),
        ("3.14.0", False),
    ]


def test_python_versions_resolve_to_an_installed_interpreter_first():
    found = pythons.parse_poetry_list(POETRY_LIST)

    assert pythons.resolve("3.12", found).path == Path(
        "/root/.pyenv/versions/3.12.1/bin/python3.12"
    )
    assert not pythons.resolve("3.14", found).installed
    assert pythons.resolve("current").path == Path(sys.executable)


def test_an_unknown_python_suggests_an_installed_one():
    found = pythons.parse_poetry_list(POETRY_LIST)

    with pytest.raises(InputError) as caught:
        pythons.resolve("3.19", found)

    assert "--python 3.12 or --python 3.13" in caught.value.fix


def test_the_machines_interpreters_include_the_running_one():
    found = pythons.discover(include_downloads=False)

    assert any(i.path == Path(sys.executable) for i in found)
    assert all(i.supported for i in found)


LOCK = """
[[package]]
name = "Django"
version = "5.2.8"
groups = ["main"]

[[package]]
name = "pytest"
version = "8.4.2"
groups = ["dev"]

[[package]]
name = "tzdata"
version = "2025.2"
groups = ["main"]
markers = {main = "sys_platform == \\"win32\\""}

[[package]]
name = "opsbase"
version = "0.1.0.dev0"
groups = ["main"]

[package.source]
type = "directory"
url = "../opsbase"
"""


def test_requirements_are_the_main_group_pinned_from_the_lock(tmp_path: Path):
    text = poetry_env.requirements_from_lock(tomllib.loads(LOCK), base=tmp_path / "project")

    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines == [
        "Django==5.2.8",
        f"opsbase @ {(tmp_path / 'opsbase').as_uri()}",
        'tzdata==2025.2 ; sys_platform == "win32"',
    ]


def test_a_tool_only_in_a_virtualenv_is_not_installed_system_wide():
    assert system_packages.installed("sh")
    assert not system_packages.installed("ruff")  # only in .venv


def test_missing_system_packages_are_installed_under_the_managers_package_names():
    plan = system_packages.plan(missing=["gunicorn"], manager="dnf")

    assert plan.missing == ["gunicorn"]
    assert plan.commands[0][-1] == "python3-gunicorn"
    assert "dnf install -y python3-gunicorn" in plan.describe()


def test_weasyprints_libraries_are_installed_as_debians_two_pango_packages():
    plan = system_packages.plan(missing=["nginx", "pango"], manager="apt-get")

    command = plan.commands[0]
    assert command[command.index("install") :] == [
        "install",
        "-y",
        "-q",
        "nginx",
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
    ]
    assert "libpango-1.0-0 libpangoft2-1.0-0" in plan.describe()
    assert system_packages.plan(missing=["pango"], manager="dnf").commands[0][-1] == "pango"


def test_pango_counts_as_present_only_when_the_loader_finds_every_library():
    # This machine renders PDFs with WeasyPrint (the billing tests do): Pango is here.
    assert system_packages.present("pango")
    assert not system_packages.library_present(("pango-1.0", "opsbase-no-such-library"))
    assert "pango" in system_packages.REQUIRED


def summary_of(outcome) -> str:
    from rich.console import Console

    from opsbase.provision.summary import print_summary

    console = Console(record=True, width=400)
    print_summary(outcome, console)
    return console.export_text()


def test_a_resumed_run_says_how_to_set_a_new_superuser_password(tmp_path: Path):
    """The generated password was shown by the run that set it; the journal keeps none."""
    from rich.console import Console

    from opsbase.provision.runner import STEPS, Provisioner

    inputs = Inputs(dest=tmp_path, name="shop", url="https://s.example.com")
    journal = Journal(dest=tmp_path, inputs={"name": "shop"})
    for key, _title in STEPS:
        journal.mark(key, DONE, "earlier")
    runner = Provisioner(inputs, console=Console(quiet=True), journal=journal)

    text = summary_of(runner.run())

    assert runner.outcome.superuser_password is None
    assert "set in an earlier run and not shown again" in text
    assert f"cd {tmp_path} && .venv/bin/python manage.py changepassword admin@example.com" in text


def test_only_a_generated_password_is_shown(tmp_path: Path):
    from opsbase.provision.runner import Outcome

    inputs = Inputs(dest=tmp_path, name="shop", url="https://s.example.com")
    generated = Outcome(inputs=inputs, superuser_password="gen-Xy7-once")
    given = Outcome(inputs=inputs, superuser_note="the one you gave (not shown)")

    assert "gen-Xy7-once  (shown once, stored nowhere)" in summary_of(generated)
    assert "the one you gave (not shown)" in summary_of(given)


def test_a_resumed_run_keeps_the_web_server_flags_of_the_first(tmp_path: Path):
    from opsbase.provision.deploy import DeployOptions
    from opsbase.provision.new import NewOptions, collect

    first = DeployOptions(nginx_dir="/srv/nginx-test", http_port=8080, ssl="self-signed")
    journal = Journal(
        dest=tmp_path,
        inputs={"name": "shop", "url": "https://s.example.com", "deploy": first.to_dict()},
        active=True,
    )
    journal.mark("dependencies", RUNNING)
    # What the command line hands over when run again with no web-server flag but one.
    again = DeployOptions(https_port=8443).to_dict()

    inputs, _ = collect(NewOptions(dest=str(tmp_path), deploy=again), None)

    assert inputs.deploy["nginx_dir"] == "/srv/nginx-test"
    assert inputs.deploy["http_port"] == 8080
    assert inputs.deploy["ssl"] == "self-signed"
    assert inputs.deploy["https_port"] == 8443


def test_a_path_dependency_becomes_a_wheel_in_vendor_named_by_the_requirements(tmp_path: Path):
    package = tmp_path / "checkout"
    (package / "src" / "tinypkg").mkdir(parents=True)
    (package / "src" / "tinypkg" / "__init__.py").write_text("VALUE = 1\n")
    (package / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "tinypkg"\nversion = "1.2.0"\n'
    )
    project = tmp_path / "project"
    project.mkdir()
    lock = {
        "package": [
            {"name": "django", "version": "5.2.8", "groups": ["main"]},
            {
                "name": "tinypkg",
                "version": "1.2.0",
                "groups": ["main"],
                "source": {"type": "directory", "url": str(package)},
            },
        ]
    }
    exported = poetry_env.requirements_from_lock(lock, base=project)

    wheels = poetry_env.vendor_path_dependencies(project, lock, log=CommandLog())
    text = poetry_env.requirements_with_wheels(exported, wheels)

    assert [p.name for p in (project / "vendor").iterdir()] == ["tinypkg-1.2.0-py3-none-any.whl"]
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines == ["django==5.2.8", "./vendor/tinypkg-1.2.0-py3-none-any.whl"]
    assert "file:" not in text
    assert not (package / "build").exists()  # built from a copy: the checkout stays clean


def _flaky_poetry(tmp_path: Path, failures: int) -> Path:
    """A `poetry` that fails its first *failures* calls (a download cut off), then works."""
    script = tmp_path / "poetry"
    count = tmp_path / "calls"
    script.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, sys\n"
        f"count = pathlib.Path({str(count)!r})\n"
        "calls = int(count.read_text()) + 1 if count.exists() else 1\n"
        "count.write_text(str(calls))\n"
        f"if calls <= {failures}:\n"
        "    sys.exit('Connection reset by peer while downloading django-5.2.whl')\n"
        "print('Installing dependencies from lock file')\n"
    )
    script.chmod(0o755)
    return count


def test_poetry_install_is_tried_once_more_when_a_download_is_cut_off(tmp_path, monkeypatch):
    calls = _flaky_poetry(tmp_path, failures=1)
    monkeypatch.setattr(poetry_env, "poetry_command", lambda: [str(tmp_path / "poetry")])
    log = CommandLog()

    poetry_env.install(tmp_path, log=log)

    assert calls.read_text() == "2"
    assert "trying once more" in "".join(log.pending)


def test_poetry_install_failing_twice_names_the_fix(tmp_path, monkeypatch):
    calls = _flaky_poetry(tmp_path, failures=2)
    monkeypatch.setattr(poetry_env, "poetry_command", lambda: [str(tmp_path / "poetry")])

    with pytest.raises(StepFailed) as failed:
        poetry_env.install(tmp_path, log=CommandLog())

    assert calls.read_text() == "2"
    assert "Connection reset by peer" in failed.value.output_tail
    assert "opsbase new" in failed.value.fix
