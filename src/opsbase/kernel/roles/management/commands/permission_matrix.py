"""``manage.py permission_matrix [--write FILE]``: the permission matrix, generated from the
rules and role templates of the installed apps."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opsbase.kernel.roles.selectors import MATRIX_END, MATRIX_START, permission_matrix_markdown


class Command(BaseCommand):
    help = (
        "Print the permission matrix (every codename × the built-in roles and the role "
        "templates) as Markdown, or write it into FILE between its markers."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--package",
            default="",
            help="Only the apps inside this package (opsbase: the library's own).",
        )
        parser.add_argument(
            "--write",
            metavar="FILE",
            help=f"Replace what lies between {MATRIX_START} and {MATRIX_END} in FILE.",
        )

    def handle(self, *args, write: str | None = None, package: str = "", **options) -> None:
        table = permission_matrix_markdown(package=package)
        if not write:
            self.stdout.write(table, ending="")
            return
        path = Path(write)
        text = path.read_text(encoding="utf-8")
        if MATRIX_START not in text or MATRIX_END not in text:
            raise CommandError(
                f"{path} has no {MATRIX_START} … {MATRIX_END} block: add both markers where the "
                "table belongs, then run this again."
            )
        head, rest = text.split(MATRIX_START, 1)
        tail = rest.split(MATRIX_END, 1)[1]
        path.write_text(f"{head}{MATRIX_START}\n{table}{MATRIX_END}{tail}", encoding="utf-8")
        self.stdout.write(f"Wrote the permission matrix into {path}.")
