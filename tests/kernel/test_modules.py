"""A module is declared once (ModuleConfig) and the kernel names none of them."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core import checks
from django.urls import resolve

import opsbase
from opsbase.kernel.modules import installed_modules, search_fields_for
from opsbase.kernel.policy import policy
from opsbase.modules import declared_dependencies
from opsbase.modules.tasks.apps import TasksConfig
from opsbase.modules.tasks.models import Task

SRC = Path(opsbase.__file__).resolve().parent
MODULE_LABELS = sorted(p.name for p in (SRC / "modules").iterdir() if (p / "apps.py").is_file())
# Everything that is not a business module: it may name none of them.
KERNEL_SIDE = ["core", "kernel", "kit", "web", "api", "conf", "testing", "urls.py"]


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """String constants of *path* that are code, not docstrings, with their line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def _kernel_side_files(suffix: str) -> list[Path]:
    files: list[Path] = []
    for part in KERNEL_SIDE:
        root = SRC / part
        files.extend([root] if root.is_file() else sorted(root.rglob(f"*{suffix}")))
    return [f for f in files if f.suffix == suffix and "migrations" not in f.parts]


def test_there_is_a_module_to_check():
    assert "tasks" in MODULE_LABELS


@pytest.mark.parametrize("label", MODULE_LABELS)
def test_no_kernel_file_names_a_module(label):
    """No import, dotted path, codename ("tasks.view_task") or URL name ("tasks:...") of a
    module in Python code or templates outside opsbase/modules (docstrings may give examples)."""
    found = []
    names = re.compile(rf"^(opsbase\.modules\.{label}\b|{label}[.:][a-z_])")
    for path in _kernel_side_files(".py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                module = getattr(node, "module", None) or ""
                targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
                if any(re.match(rf"opsbase\.modules\.{label}\b", t) for t in targets):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} imports {targets}")
        for line, value in _code_strings(path):
            if names.search(value):
                found.append(f"{path.relative_to(SRC)}:{line} names {value!r}")
    template_names = re.compile(rf"""['"]({label}[.:][a-z_]+)""")
    for path in _kernel_side_files(".html"):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in template_names.finditer(text):
                found.append(f"{path.relative_to(SRC)}:{number} names {match.group(1)!r}")
    assert not found, "\n".join(found)


def test_the_check_catches_a_kernel_file_that_names_a_module(tmp_path, monkeypatch):
    """The scan above is not blind: a kernel file with a codename literal is found."""
    fake = tmp_path / "core"
    fake.mkdir()
    (fake / "x.py").write_text('"""Docs may say tasks.view_task."""\nCODE = "tasks.view_task"\n')
    strings = _code_strings(fake / "x.py")
    assert strings == [(2, "tasks.view_task")]


def test_every_module_is_declared_through_module_config():
    labels = {module.label for module in installed_modules()}
    assert "tasks" in labels
    assert all(label in MODULE_LABELS for label in labels - {"testapp"})


def test_module_pages_and_api_routes_are_mounted_from_the_declaration():
    assert resolve("/tasks/").url_name == "task_list"
    assert resolve("/api/v1/tasks/").url_name == "task-list"


def test_role_templates_get_the_codenames_modules_grant():
    templates = {t["slug"]: t["permissions"] for t in policy.templates()}
    assert "tasks.change_task_status" in templates["technician"]
    assert "tasks.view_all_tasks" in templates["production-manager"]
    # The kernel's own grants stay.
    assert "audit.view_auditevent" in templates["production-manager"]


def test_search_fields_come_from_the_module():
    assert search_fields_for(Task) == ("title", "description")


def test_the_schema_names_module_enums(client, world):
    client.force_login(world.members["admin"].user)
    schema = client.get("/api/schema/?format=json").json()
    # Named by the tasks module's declaration, not drf-spectacular's hash-suffixed fallback.
    assert "TaskStatusEnum" in schema["components"]["schemas"]


def test_a_missing_dependency_stops_the_project(monkeypatch):
    monkeypatch.setattr(TasksConfig, "dependencies", ("nosuchmodule",))
    errors = [e for e in checks.run_checks() if e.id == "opsbase.E201"]
    assert len(errors) == 1
    assert "'tasks' needs the module 'nosuchmodule'" in errors[0].msg


def test_a_grant_to_an_unknown_role_template_is_warned(monkeypatch):
    monkeypatch.setattr(policy, "_template_grants", {**policy._template_grants, "qc-inspecter": []})
    warnings = [e for e in checks.run_checks() if e.id == "opsbase.W201"]
    assert len(warnings) == 1
    assert "qc-inspecter" in warnings[0].msg


def test_declared_dependencies_are_read_without_django(tmp_path):
    apps_py = tmp_path / "apps.py"
    apps_py.write_text(
        textwrap.dedent(
            """
            class LeadsConfig(ModuleConfig):
                name = "x.leads"
                dependencies = ("tasks", "billing")
            """
        )
    )
    assert declared_dependencies(apps_py) == ("tasks", "billing")


def _package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.mark.parametrize("declared", [False, True])
def test_the_import_contract_refuses_an_undeclared_module_import(tmp_path, declared):
    """A module importing another is refused by `lint-imports` unless it declares it."""
    deps = '("tasks",)' if declared else "()"
    _package(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/modules/__init__.py": "",
            "shop/modules/tasks/__init__.py": "",
            "shop/modules/tasks/apps.py": "class TasksConfig:\n    dependencies = ()\n",
            "shop/modules/tasks/models.py": "",
            "shop/modules/leads/__init__.py": "",
            "shop/modules/leads/apps.py": f"class LeadsConfig:\n    dependencies = {deps}\n",
            "shop/modules/leads/services.py": "from shop.modules.tasks import models\n",
            "contracts.toml": """
                [tool.importlinter]
                root_packages = ["shop"]
                contract_types = [
                  "module_dependencies: opsbase.testing.import_contracts.ModuleDependencies",
                ]

                [[tool.importlinter.contracts]]
                name = "declared module dependencies"
                type = "module_dependencies"
                modules_package = "shop.modules"
            """,
        },
    )
    result = subprocess.run(
        [Path(sys.executable).with_name("lint-imports"), "--config", "contracts.toml"],
        cwd=tmp_path,
        env={"PYTHONPATH": f"{tmp_path}:{SRC.parent}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    if declared:
        assert result.returncode == 0, result.stdout + result.stderr
    else:
        assert result.returncode == 1, result.stdout + result.stderr
        assert "shop.modules.leads.services -> shop.modules.tasks.models" in result.stdout
        assert "does not declare 'tasks'" in result.stdout


def test_modules_come_after_those_they_build_on():
    from opsbase.kernel.modules import modules_in_dependency_order

    order = [config.label for config in modules_in_dependency_order()]

    assert sorted(order) == sorted(c.label for c in installed_modules())
    for position, config in enumerate(modules_in_dependency_order()):
        for needed in (*config.dependencies, *config.optional_dependencies):
            if needed in order:
                assert order.index(needed) < position, (config.label, needed)
