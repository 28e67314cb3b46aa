"""Business modules built on the module kit, one Django app each.

What each module declares is read here without starting Django (the command line and the
import contracts need it before any settings exist).
"""

from __future__ import annotations

import ast
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def declared_dependencies(apps_py: Path) -> tuple[str, ...]:
    """The ``dependencies = (...)`` a module's ``apps.py`` declares on its config class."""
    tree = ast.parse(apps_py.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                targets = (
                    [statement.target]
                    if isinstance(statement, ast.AnnAssign)
                    else statement.targets
                    if isinstance(statement, ast.Assign)
                    else []
                )
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                value = getattr(statement, "value", None)
                if "dependencies" in names and value is not None:
                    return tuple(str(item) for item in ast.literal_eval(value))
    return ()


def module_dependencies(name: str) -> tuple[str, ...]:
    """The modules OpsBase's module *name* declares it builds on."""
    apps_py = FOLDER / name / "apps.py"
    return declared_dependencies(apps_py) if apps_py.is_file() else ()
