"""The permission matrix in docs/rbac.md is generated from the code and kept true by this
test; the command that writes it names what is wrong with the file it is given."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.selectors import MATRIX_END, MATRIX_START, permission_matrix_markdown

RBAC = Path(__file__).parents[3] / "docs" / "rbac.md"


def _rows(table: str) -> dict[str, list[str]]:
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) > 2 and cells[1].startswith("`"):
            rows[cells[1].strip("`")] = cells[2:]
    return rows


def test_the_documented_matrix_is_the_one_the_code_makes():
    documented = RBAC.read_text().split(MATRIX_START)[1].split(MATRIX_END)[0].strip() + "\n"

    assert documented == permission_matrix_markdown(package="opsbase"), (
        "docs/rbac.md is out of date: run `DJANGO_SETTINGS_MODULE=tests.settings "
        "PYTHONPATH=.:src .venv/bin/python -m django permission_matrix --package opsbase "
        "--write docs/rbac.md`"
    )


def test_each_column_holds_what_the_role_or_template_holds():
    rows = _rows(permission_matrix_markdown(package="opsbase"))
    templates = policy.templates()

    assert all(marks[0] == "✓" for marks in rows.values())  # Admin holds everything
    for codename, marks in rows.items():
        assert (marks[1] == "✓") == (codename in policy.default_permissions(RoleKind.MANAGER))
        assert (marks[2] == "✓") == (codename in policy.default_permissions(RoleKind.USER))
        for n, template in enumerate(templates):
            assert (marks[3 + n] == "✓") == (codename in template["permissions"])
    assert "testapp.work_ticket" not in rows and "tasks.view_task" in rows


def test_the_command_prints_it_and_refuses_a_file_without_markers(tmp_path, capsys):
    call_command("permission_matrix", "--package", "opsbase")
    assert capsys.readouterr().out == permission_matrix_markdown(package="opsbase")

    target = tmp_path / "roles.md"
    target.write_text("# Roles\n")
    with pytest.raises(CommandError, match="no <!-- permission-matrix:start -->"):
        call_command("permission_matrix", "--write", str(target))
    assert target.read_text() == "# Roles\n"

    target.write_text(f"# Roles\n\n{MATRIX_START}\nOUTDATED TABLE\n{MATRIX_END}\n\nMore.\n")
    call_command("permission_matrix", "--package", "opsbase", "--write", str(target))
    text = target.read_text()
    assert "OUTDATED TABLE" not in text and text.endswith(f"{MATRIX_END}\n\nMore.\n")
    assert permission_matrix_markdown(package="opsbase") in text
