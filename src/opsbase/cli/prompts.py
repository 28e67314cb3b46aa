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


def ask_python(
    interpreters: list[Interpreter],
    *,
    default: str = "current",
    refusal: Callable[[str], str | None] | None = None,
) -> str:
    """The interpreter: the *default* comes first and is preselected; one *refusal* gives a
    reason for is marked so, and choosing it anyway says why and asks again on the spot."""
    refuse = refusal or (lambda value: None)
    options = [("current", "current: the Python running opsbase")]
    options += [(str(i.path) if i.path else i.version, i.label()) for i in interpreters]
    if default not in {value for value, _ in options}:
        options.insert(0, (default, f"{default} (the system's Python)"))
    options.sort(key=lambda option: option[0] != default)
    reasons = {value: refuse(value) for value, _ in options}
    choices = [
        questionary.Choice(label + (f"  [not usable: {reasons[value]}]" if reasons[value] else ""),
                           value=value)
        for value, label in options
    ]  # fmt: skip
    while True:
        value = str(
            _answer(questionary.select("Python interpreter:", choices=choices, default=default))
        )
        reason = reasons.get(value) or refuse(value)
        if reason is None:
            return value
        say(f"{value} cannot be used: {reason}. Choose another.")


def say(message: str) -> None:
    """A line under the questions (why an answer was refused)."""
    questionary.print(message, style="fg:ansiyellow")


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
