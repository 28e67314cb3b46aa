"""The forms engine's rules, free of the database: what a form's field list may hold
(``clean_fields``), and what a filled form is worth (``evaluate``).

A field is a plain dict (the JSON a template stores and exports)::

    {"key": "gauge_od", "type": "number", "label": "Gauge OD", "required": true,
     "unit": "in", "min": "8.480", "max": "8.520", "help": "",
     "show_if": {"field": "bit_kind", "equals": "pdc"}}

``choice`` fields carry ``choices`` (a list of strings). ``show_if`` names an *earlier*
field: the field is shown, and so required and kept, only while that field is shown and its
answer equals the value (so visibility never loops). A hidden field is never required, and
its answer is dropped.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .constants import (
    IMAGE_TYPES,
    KEY_PATTERN,
    MAX_CHOICES,
    MAX_FIELDS,
    MAX_IMAGE_BYTES,
    MAX_LABEL,
    MAX_TEXT,
    FieldType,
    Result,
)

_KEY = re.compile(KEY_PATTERN)
_DATA_URL = re.compile(r"^data:(?P<type>image/[a-z+.-]+);base64,(?P<data>[A-Za-z0-9+/=\s]*)$")


class SchemaError(ValueError):
    """A field list that cannot be a form: ``problems`` maps ``fields.<n>.<attr>`` (or
    ``fields``) to messages."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items()))


@dataclass(frozen=True)
class Image:
    """A photo or signature answered with a form, decoded (the services store it)."""

    content_type: str
    data: bytes

    @property
    def extension(self) -> str:
        return IMAGE_TYPES[self.content_type]


@dataclass
class Evaluation:
    """What a filled form is worth: the kept ``values`` (visible fields only), the input
    ``errors`` (a required answer missing, a value that is not of its type: the form is not
    accepted), the ``flags`` (an accepted answer that fails the check: out of tolerance,
    a failed pass/fail) and the ``result``."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)
    visible: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def result(self) -> str:
        return Result.FAIL if self.flags else Result.PASS


# -- the field list ---------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def clean_fields(raw: Any) -> list[dict[str, Any]]:
    """The field list *raw* in its stored shape (known keys only, tolerances as decimal
    strings), or ``SchemaError`` naming every problem."""
    if not isinstance(raw, list):
        raise SchemaError({"fields": [_("Give the fields as a list.")]})
    if len(raw) > MAX_FIELDS:
        raise SchemaError({"fields": [_("A form has at most %(n)d fields.") % {"n": MAX_FIELDS}]})
    problems: dict[str, list[str]] = {}
    cleaned: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}

    for n, item in enumerate(raw, 1):
        where = f"fields.{n}"

        def refuse(attr: str, message: str, where: str = where) -> None:
            problems.setdefault(f"{where}.{attr}", []).append(message)

        if not isinstance(item, Mapping):
            problems[where] = [_("Each field is an object.")]
            continue
        key = str(item.get("key") or "").strip()
        kind = str(item.get("type") or "").strip()
        label = str(item.get("label") or "").strip()
        if not _KEY.match(key):
            refuse("key", _("Use lower-case letters, digits and _ (starting with a letter)."))
        elif key in seen:
            refuse("key", _("Another field already uses this key."))
        if kind not in FieldType.values:
            refuse("type", _("Choose one of: %(types)s.") % {"types": ", ".join(FieldType.values)})
        if not label:
            refuse("label", _("Give the field a label."))
        elif len(label) > MAX_LABEL:
            refuse("label", _("At most %(n)d characters.") % {"n": MAX_LABEL})
        out: dict[str, Any] = {
            "key": key,
            "type": kind,
            "label": label,
            "required": bool(item.get("required", False)),
        }
        help_text = str(item.get("help") or "").strip()
        if help_text:
            out["help"] = help_text[:MAX_LABEL]
        if kind == FieldType.NUMBER:
            out["unit"] = str(item.get("unit") or "").strip()[:20]
            bounds: dict[str, Decimal | None] = {}
            for bound in ("min", "max"):
                try:
                    bounds[bound] = _decimal(item.get(bound))
                except ValueError:
                    refuse(bound, _("Enter a number."))
                    bounds[bound] = None
                out[bound] = None if bounds[bound] is None else str(bounds[bound])
            low, high = bounds["min"], bounds["max"]
            if low is not None and high is not None and low > high:
                refuse("max", _("The maximum is below the minimum."))
        if kind == FieldType.CHOICE:
            choices = item.get("choices")
            values = (
                [str(c).strip() for c in choices if str(c).strip()]
                if isinstance(choices, list)
                else []
            )
            if not values:
                refuse("choices", _("Give at least one choice."))
            elif len(values) > MAX_CHOICES or len(set(values)) != len(values):
                refuse("choices", _("Give at most %(n)d different choices.") % {"n": MAX_CHOICES})
            out["choices"] = values
        condition = item.get("show_if")
        if condition:
            target = str(condition.get("field") or "") if isinstance(condition, Mapping) else ""
            if target not in seen:
                refuse("show_if", _("Show it depending on a field above it."))
            else:
                equals = condition.get("equals")
                out["show_if"] = {"field": target, "equals": "" if equals is None else str(equals)}
        if key and key not in seen:
            seen[key] = out
        cleaned.append(out)
    if problems:
        raise SchemaError(problems)
    return cleaned


# -- a filled form ---------------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def shown(value: Any) -> str:
    """An answer as ``show_if`` compares it (pass/fail and choices as their values)."""
    if isinstance(value, bool):
        return "pass" if value else "fail"
    return "" if value is None else str(value)


def _image(value: Any, *, signature: bool) -> Image:
    if isinstance(value, Image):
        image = value
    elif isinstance(value, str):
        match = _DATA_URL.match(value.strip())
        if match is None:
            raise ValueError(_("Send the image as a data URL (data:image/png;base64,…)."))
        try:
            data = base64.b64decode(re.sub(r"\s", "", match["data"]), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(_("The image is not valid base64.")) from None
        image = Image(match["type"], data)
    elif hasattr(value, "read"):
        content_type = getattr(value, "content_type", "") or ""
        image = Image(content_type, value.read(MAX_IMAGE_BYTES + 1))
    else:
        raise ValueError(_("Send an image."))
    if signature and image.content_type != "image/png":
        raise ValueError(_("A signature is a PNG image."))
    if image.content_type not in IMAGE_TYPES:
        raise ValueError(_("Send a PNG, JPEG or WebP image."))
    if not image.data:
        raise ValueError(_("The image is empty."))
    if len(image.data) > MAX_IMAGE_BYTES:
        raise ValueError(_("The image is larger than %(n)d MB.") % {"n": MAX_IMAGE_BYTES >> 20})
    return image


def _parse(spec: Mapping[str, Any], value: Any) -> tuple[Any, str | None]:
    """(the answer in its kept shape, a flag or None); ``ValueError`` when it is not one."""
    kind = spec["type"]
    if kind == FieldType.TEXT:
        text = str(value).strip()
        if len(text) > MAX_TEXT:
            raise ValueError(_("At most %(n)d characters.") % {"n": MAX_TEXT})
        return text, None
    if kind == FieldType.NUMBER:
        try:
            number = _decimal(value)
        except ValueError:
            raise ValueError(_("Enter a number.")) from None
        assert number is not None  # noqa: S101 - an empty answer never gets here
        low = None if spec.get("min") is None else Decimal(spec["min"])
        high = None if spec.get("max") is None else Decimal(spec["max"])
        unit = f" {spec['unit']}" if spec.get("unit") else ""
        flag = None
        if low is not None and number < low:
            flag = _("%(value)s%(unit)s is below the minimum %(min)s%(unit)s.") % {
                "value": number,
                "unit": unit,
                "min": low,
            }
        elif high is not None and number > high:
            flag = _("%(value)s%(unit)s is above the maximum %(max)s%(unit)s.") % {
                "value": number,
                "unit": unit,
                "max": high,
            }
        return str(number), flag
    if kind == FieldType.PASS_FAIL:
        answer = shown(value).strip().lower()
        if answer not in (Result.PASS, Result.FAIL):
            raise ValueError(_("Answer pass or fail."))
        return answer, (_("Marked as failed.") if answer == Result.FAIL else None)
    if kind == FieldType.CHOICE:
        answer = str(value).strip()
        if answer not in spec.get("choices", []):
            raise ValueError(_("Choose one of the choices."))
        return answer, None
    if kind == FieldType.DATE:
        if isinstance(value, dt.datetime):
            return value.date().isoformat(), None
        if isinstance(value, dt.date):
            return value.isoformat(), None
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat(), None
        except ValueError:
            raise ValueError(_("Enter a date (YYYY-MM-DD).")) from None
    if kind in (FieldType.PHOTO, FieldType.SIGNATURE):
        if isinstance(value, Mapping) and value.get("file"):
            return dict(value), None  # already stored (a form kept and read again)
        return _image(value, signature=kind == FieldType.SIGNATURE), None
    raise ValueError(_("Unknown field type."))


def visible_keys(fields: Iterable[Mapping[str, Any]], answers: Mapping[str, Any]) -> list[str]:
    """The keys of the fields shown for *answers*, in order."""
    shown_now: set[str] = set()
    order: list[str] = []
    for spec in fields:
        condition = spec.get("show_if")
        if condition:
            target = condition["field"]
            if target not in shown_now or shown(answers.get(target)) != condition["equals"]:
                continue
        shown_now.add(spec["key"])
        order.append(spec["key"])
    return order


def evaluate(fields: Iterable[Mapping[str, Any]], answers: Mapping[str, Any]) -> Evaluation:
    """Check *answers* (key: value) against *fields* (a cleaned field list): the kept values
    of the visible fields, each input error, each flag, and the result (fail when anything
    is flagged). Answers to unknown or hidden fields are dropped."""
    fields = list(fields)
    evaluation = Evaluation(visible=visible_keys(fields, answers))
    visible = set(evaluation.visible)
    for spec in fields:
        key = spec["key"]
        if key not in visible:
            continue
        value = answers.get(key)
        if is_empty(value):
            if spec.get("required"):
                evaluation.errors[key] = [_("This field is required.")]
            continue
        try:
            kept, flag = _parse(spec, value)
        except ValueError as exc:
            evaluation.errors[key] = [str(exc.args[0]) if exc.args else _("Enter a valid value.")]
            continue
        evaluation.values[key] = kept
        if flag:
            evaluation.flags[key] = str(flag)
    return evaluation
