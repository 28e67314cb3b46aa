"""A form on a page, for any module that has one filled in (inspections, procedures,
maintenance): what the template ``checklists/_fill.html`` renders, and the answers read back
from the posted page::

    items = fill_items(version.fields, answers=answers, errors=errors)
    # {% include "checklists/_fill.html" with items=items %}  (+ checklists/forms.js)
    answers = answers_from_post(version.fields, request.POST, request.FILES)

Every field is rendered; one shown depending on another carries ``data-show-field`` and
``data-show-equals`` so that ``forms.js`` hides it while the condition does not hold (the
server decides again on submit: a hidden field is never required).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .constants import FieldType
from .engine import visible_keys

PREFIX = "answer-"


def input_name(key: str) -> str:
    return f"{PREFIX}{key}"


def fill_items(
    fields: Iterable[Mapping[str, Any]],
    *,
    answers: Mapping[str, Any] | None = None,
    errors: Mapping[str, Any] | None = None,
    flags: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One entry per field: its spec, input name, current answer, errors and flag, and
    whether it is shown now."""
    fields = list(fields)
    answers = answers or {}
    errors = errors or {}
    flags = flags or {}
    shown = set(visible_keys(fields, answers))
    items = []
    for spec in fields:
        key = spec["key"]
        value = answers.get(key)
        condition = spec.get("show_if") or {}
        items.append(
            {
                "spec": spec,
                "key": key,
                "name": input_name(key),
                "id": f"id_{input_name(key)}",
                "type": spec["type"],
                "value": value if isinstance(value, str) else "",
                "errors": list(errors.get(key) or errors.get(f"answers.{key}") or []),
                "flag": flags.get(key),
                "hidden": key not in shown,
                "show_field": input_name(condition["field"]) if condition else "",
                "show_equals": condition.get("equals", "") if condition else "",
                "choices": spec.get("choices", []),
            }
        )
    return items


def answers_from_post(
    fields: Iterable[Mapping[str, Any]], data: Mapping[str, Any], files: Mapping[str, Any]
) -> dict[str, Any]:
    """The answers of a posted form, by key (a photo as its uploaded file, a signature as
    the PNG data URL its pad wrote)."""
    answers: dict[str, Any] = {}
    for spec in fields:
        name = input_name(spec["key"])
        if spec["type"] == FieldType.PHOTO:
            upload = files.get(name)
            answers[spec["key"]] = upload if upload else data.get(name, "")
        else:
            answers[spec["key"]] = data.get(name, "")
    return answers


def fill_errors(fields_errors: Mapping[str, Any]) -> dict[str, list[str]]:
    """A service's field errors (``answers.<key>``) by field key, for ``fill_items``."""
    return {
        k.removeprefix("answers."): [str(m) for m in v]
        for k, v in fields_errors.items()
        if k.startswith("answers.")
    }
