"""``manage.py startmodule <name>``: a working module from the kit's template (model, workflow,
row spec, services, pages, API, admin, demo data, tests, README) and its first migration.

In a project made by ``opsbase new`` it goes to ``apps/<name>/``, which the project's settings
install by themselves; elsewhere ``--dest`` says where, and the command prints the line to add
to ``INSTALLED_APPS``.
"""

from __future__ import annotations

import keyword
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import CommandError
from django.core.management.templates import TemplateCommand

TEMPLATE = Path(__file__).resolve().parents[2] / "module_template"
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def model_name_for(module: str) -> str:
    """``things`` → ``Thing``, ``work_orders`` → ``WorkOrder``: the singular of the last word."""
    words = module.split("_")
    last = words[-1]
    if last.endswith("ies") and len(last) > 3:
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return "".join(word.capitalize() for word in [*words[:-1], last])


class Command(TemplateCommand):
    help = "Create a module of the OpsBase kit: model, workflow, pages, API, tests and docs."
    missing_args_message = "Give the module's name, e.g. `manage.py startmodule things`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", help="The module's name: lower case, e.g. things.")
        parser.add_argument(
            "--dest",
            help="The folder to create the module in (default: apps/<name> in a project, "
            "else ./<name>). Its dotted path from the current folder is the app's name.",
        )
        parser.add_argument("--model", help="The model's class name (default: from the name).")
        parser.add_argument(
            "--no-migration", action="store_true", help="Do not run makemigrations afterwards."
        )

    def handle(self, **options: Any) -> None:  # type: ignore[override]
        name = options.pop("name")
        if not NAME.match(name) or keyword.iskeyword(name):
            raise CommandError(
                f"{name!r} is not a module name: use lower-case letters, digits and _, "
                "starting with a letter (e.g. things, work_orders)."
            )
        if apps.is_installed(name) or any(c.label == name for c in apps.get_app_configs()):
            raise CommandError(f"An app labelled {name!r} is installed already: pick another name.")
        cwd = Path.cwd()
        dest = Path(
            options.pop("dest") or (cwd / "apps" / name if (cwd / "apps").is_dir() else cwd / name)
        )
        dest = dest if dest.is_absolute() else cwd / dest
        if dest.exists() and any(dest.iterdir()):
            raise CommandError(f"{dest} exists and is not empty: remove it or pick another name.")
        try:
            dotted = ".".join(dest.resolve().relative_to(cwd.resolve()).parts)
        except ValueError:
            raise CommandError(f"{dest} must be below the current folder ({cwd}).") from None
        model = options.pop("model") or model_name_for(name)
        if not model.isidentifier() or not model[0].isupper():
            raise CommandError(f"{model!r} is not a model class name (e.g. Thing).")
        no_migration = options.pop("no_migration")
        dest.mkdir(parents=True, exist_ok=True)
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", model).lower()
        context = {
            "dotted": dotted,
            "model_class": model,
            "model": model.lower(),
            "verbose": words,
            "verbose_plural": name.replace("_", " "),
            "title": name.replace("_", " ").capitalize(),
            "url_prefix": name.replace("_", "-"),
        }
        super().handle(
            "app",
            name,
            str(dest),
            template=str(TEMPLATE),
            extensions=["py", "md"],
            files=[],
            **{**options, **context},
        )
        self.stdout.write(f"Created the module {dotted} in {dest}.")
        if not no_migration:
            self._first_migration(cwd, dotted, name)
        if not dotted.startswith("apps."):
            self.stdout.write(f'Add it to INSTALLED_APPS: "{dotted}",')

    def _first_migration(self, cwd: Path, dotted: str, label: str) -> None:
        manage = cwd / "manage.py"
        if not manage.is_file() or not dotted.startswith("apps."):
            self.stdout.write(f"Then: manage.py makemigrations {label} && manage.py migrate")
            return
        result = subprocess.run(  # noqa: S603 - this project's own manage.py
            [sys.executable, str(manage), "makemigrations", label],
            cwd=cwd,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(
                f"makemigrations {label} failed; fix it and run it again:\n{result.stderr.strip()}"
            )
        self.stdout.write(result.stdout.strip())
        self.stdout.write(
            f"Next: manage.py migrate, then pytest apps/{label}; restart a running server "
            f"(the development server, gunicorn) for its pages at /{label.replace('_', '-')}/ "
            "to answer."
        )
        self.stdout.write(
            "Admins hold the module's permissions at once; `manage.py migrate` gives the "
            "built-in Manager and User roles of every organization the module's defaults "
            "for them (once: a permission an organization removes later stays removed)."
        )
