"""The questions `opsbase new` asks on a terminal; each has a flag that skips it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import questionary

from opsbase.provision import inputs as checks
from opsbase.provision.errors import Cancelled, InputError
from opsbase.provision.pythons import Interpreter


def _answer(question: questionary.Question) -> Any:
    answer = question.unsafe_ask()
    if answer is None:
        raise Cancelled
    return answer


def _validator(check: Callable[[str], Any]) -> Callable[[str], bool | str]:
    def validate(value: str) -> bool | str:
        try:
            check(value)
        except InputError as error:
            return str(error)
        return True

    return validate


def ask_dest(default: str = "") -> Path:
    value = _answer(
        questionary.text(
            "Destination directory:", default=default, validate=_validator(checks.validate_dest)
        )
    )
    return checks.validate_dest(value)


def ask_name(default: str = "") -> str:
    value = _answer(
        questionary.text(
            "App name (a lower-case Python identifier):",
            default=default,
            validate=_validator(checks.validate_name),
        )
    )
    return checks.validate_name(value)


def ask_url(default: str = "") -> str:
    value = _answer(
        questionary.text(
            "Public URL (e.g. https://shop.example.com):",
            default=default,
            validate=_validator(checks.validate_url),
        )
    )
    return checks.validate_url(value)


def ask_python(interpreters: list[Interpreter]) -> str:
    choices = [questionary.Choice("current: the Python running opsbase", value="current")]
    for interp in interpreters:
        value = str(interp.path) if interp.path else interp.version
        choices.append(questionary.Choice(interp.label(), value=value))
    return str(_answer(questionary.select("Python interpreter:", choices=choices)))


def ask_database(default: str) -> str:
    choices = [
        questionary.Choice("PostgreSQL (a role and database named after the app)", "postgres"),
        questionary.Choice("SQLite (a file in the project)", "sqlite"),
    ]
    return str(_answer(questionary.select("Database:", choices=choices, default=default)))


def ask_modules(available: tuple[str, ...], default: tuple[str, ...]) -> tuple[str, ...]:
    if not available:
        return ()
    choices = [questionary.Choice(m, value=m, checked=m in default) for m in available]
    return tuple(_answer(questionary.checkbox("Modules to enable:", choices=choices)))


def ask_email(default: str) -> str:
    value = _answer(
        questionary.text(
            "Superuser e-mail:", default=default, validate=_validator(checks.validate_email)
        )
    )
    return checks.validate_email(value)


def ask_password() -> str:
    return str(_answer(questionary.password("Superuser password (leave empty to generate one):")))


def confirm(message: str) -> bool:
    return bool(_answer(questionary.confirm(message, default=True)))


def confirm_danger(message: str) -> bool:
    """A yes/no question whose default is no (for removing things)."""
    return bool(_answer(questionary.confirm(message, default=False)))
