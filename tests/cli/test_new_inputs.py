"""`opsbase new` refuses bad input with one clear message and creates nothing anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opsbase.provision import inputs
from opsbase.provision.errors import InputError

from .conftest import cli_env, opsbase, pg_role

BASE = ["new", "--python", "current", "--no-input", "--skip-system-packages", "--no-deploy"]


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--name", "class", "--url", "https://x.example.com"], "is a Python keyword"),
        (["--name", "django", "--url", "https://x.example.com"], "importable Python module"),
        (["--name", "email", "--url", "https://x.example.com"], "importable Python module"),
        (
            ["--name", "Shop", "--url", "https://x.example.com"],
            "not a lower-case Python identifier",
        ),
        (["--name", "shop", "--url", "notaurl"], "needs an http:// or https:// scheme and a host"),
        (["--name", "shop", "--url", "ftp://shop.example.com"], "http:// or https://"),
        (["--url", "https://x.example.com"], "the app name is missing"),
        (["--name", "shop"], "the public URL is missing"),
        (["--name", "shop", "--url", "https://x.example.com", "--django", "3.2"], "not supported"),
        (["--name", "shop", "--url", "https://x.example.com", "--python", "3.9"], "too old"),
        (
            ["--name", "shop", "--url", "https://x.example.com", "--modules", "nope"],
            "not available",
        ),
        (["--name", "shop", "--url", "https://x.example.com", "--database", "oracle"], "oracle"),
    ],
)
def test_bad_input_exits_non_zero_with_one_message_and_creates_nothing(
    workdir: Path, args: list[str], expected: str
):
    dest = workdir / "project"

    result = opsbase(*BASE, "--database", "sqlite", "--dest", str(dest), *args, cwd=workdir)

    assert result.returncode == 2
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert lines[0].startswith("opsbase: error: ")
    assert not dest.exists()
    assert list(workdir.iterdir()) == []


def test_a_non_empty_destination_is_refused_and_left_as_it_was(workdir: Path):
    dest = workdir / "taken"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")

    result = opsbase(
        *BASE,
        "--database",
        "sqlite",
        "--dest",
        str(dest),
        "--name",
        "shop",
        "--url",
        "https://shop.example.com",
        cwd=workdir,
    )

    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        f"opsbase: error: destination {dest} is not empty; choose a new or empty directory "
        "with --dest"
    ]
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]


def test_a_refused_postgres_name_creates_no_role(workdir: Path, pg_name: str):
    result = opsbase(
        *BASE,
        "--database",
        "postgres",
        "--dest",
        str(workdir / "p"),
        "--name",
        "class",
        "--url",
        "https://shop.example.com",
        cwd=workdir,
    )

    assert result.returncode == 2
    assert pg_role("class") is None


def test_dry_run_prints_the_plan_and_changes_nothing(workdir: Path, pg_name: str):
    dest = workdir / "p1"
    store = workdir / "template-store"

    result = opsbase(
        *BASE,
        "--database",
        "postgres",
        "--db-admin-url",
        "postgres://postgres@127.0.0.1:5432/postgres",
        "--dest",
        str(dest),
        "--name",
        pg_name,
        "--url",
        "https://shop.example.com",
        "--dry-run",
        "--json",
        cwd=workdir,
    )

    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["dry_run"] is True
    outside = [p["action"] for p in plan["plan"] if p["outside_project"]]
    assert any(f"create role {pg_name!r}" in action for action in outside)
    assert not dest.exists()
    assert not store.exists()
    assert pg_role(pg_name) is None


def test_django_42_is_pinned_exactly_and_its_end_of_support_is_said(workdir: Path):
    result = opsbase(
        *BASE,
        "--database",
        "sqlite",
        "--dest",
        str(workdir / "p"),
        "--name",
        "shop",
        "--url",
        "https://shop.example.com",
        "--django",
        "4.2.11",
        "--dry-run",
        "--json",
        cwd=workdir,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["django"] == "4.2.11"
    assert "Django 4.2 is past its end of support" in result.stderr
    assert not (workdir / "p").exists()


def test_without_flags_the_database_is_postgres_when_a_server_answers(workdir: Path, pg_name):
    result = opsbase(
        "new",
        "--no-input",
        "--skip-system-packages",
        "--dest",
        str(workdir / "p"),
        "--name",
        "shop",
        "--url",
        "https://shop.example.com",
        "--dry-run",
        "--json",
        cwd=workdir,
        env=cli_env(workdir, PGHOST="127.0.0.1", PGUSER="postgres"),
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["database"].startswith("PostgreSQL")


@pytest.mark.parametrize("name", ["shop", "my_app2", "ops"])
def test_valid_names_pass(name):
    assert inputs.validate_name(name) == name


@pytest.mark.parametrize("name", ["2shop", "shop-app", "", "None", "match", "os", "config", "main"])
def test_invalid_names_are_refused(name):
    with pytest.raises(InputError):
        inputs.validate_name(name)


def test_a_directory_named_like_the_app_in_the_current_directory_does_not_count(
    tmp_path: Path, monkeypatch
):
    (tmp_path / "shopfront").mkdir()
    monkeypatch.chdir(tmp_path)

    assert inputs.validate_name("shopfront") == "shopfront"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://shop.example.com", "https://shop.example.com"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
    ],
)
def test_urls_are_normalised(url, expected):
    assert inputs.validate_url(url) == expected


@pytest.mark.parametrize("url", ["notaurl", "https://", "shop.example.com", "https://x.com/app"])
def test_bad_urls_are_refused(url):
    with pytest.raises(InputError):
        inputs.validate_url(url)


def test_the_journal_keeps_no_admin_password(tmp_path):
    given = inputs.Inputs(
        dest=tmp_path,
        name="shop",
        url="https://s.example.com",
        db_admin_url="postgres://admin:s3cret@db.example.com/postgres",
    )

    assert "s3cret" not in json.dumps(given.to_journal())


def test_a_python_the_apps_user_cannot_run_is_refused_before_anything_is_written(workdir: Path):
    import os
    import sys

    closed = next(
        (p for p in reversed(Path(sys.base_prefix).parents) if not p.stat().st_mode & 0o001),
        None,
    )
    if os.geteuid() != 0 or closed is None:
        pytest.skip("needs root and a Python inside a folder other users cannot enter")
    dest = workdir / "project"
    args = [a for a in BASE if a != "--no-deploy"]

    result = opsbase(
        *args, "--database", "sqlite", "--dest", str(dest), "--name", "shop",
        "--url", "https://shop.example.com", cwd=workdir,
    )  # fmt: skip

    assert result.returncode == 2
    assert f"{closed} is closed to other users" in result.stderr
    assert "--python /usr/bin/python3" in result.stderr
    assert list(workdir.iterdir()) == []


def test_chosen_modules_bring_the_modules_they_build_on(monkeypatch):
    """`--modules workorders` also installs what work orders need, each before its user."""
    import opsbase.modules
    from opsbase.provision.inputs import with_dependencies

    declared = {"workorders": ("drillbits", "inventory"), "drillbits": ("inventory",)}
    monkeypatch.setattr(opsbase.modules, "module_dependencies", lambda m: declared.get(m, ()))
    assert with_dependencies(("tasks", "workorders")) == (
        "tasks",
        "inventory",
        "drillbits",
        "workorders",
    )


def test_modules_that_need_each_other_in_a_circle_are_refused(monkeypatch):
    import opsbase.modules
    from opsbase.provision.errors import InputError
    from opsbase.provision.inputs import with_dependencies

    declared = {"a": ("b",), "b": ("a",)}
    monkeypatch.setattr(opsbase.modules, "module_dependencies", lambda m: declared.get(m, ()))
    with pytest.raises(InputError, match="a -> b -> a"):
        with_dependencies(("a",))
