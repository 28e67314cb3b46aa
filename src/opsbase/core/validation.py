"""Model validation with Django's error turned into OpsBase's, for every service; the one
validator of single-line text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .exceptions import ValidationError


def validated(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """``obj.full_clean()`` with Django's error turned into OpsBase's (field -> messages)."""
    try:
        obj.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        messages = [m for ms in fields.values() for m in ms]
        raise ValidationError(" ".join(messages), extra={"fields": fields}) from None


# Joiners that scripts (Persian, Indic) and emoji sequences need: format characters that
# neither hide nor reorder text.
_ALLOWED_FORMAT = frozenset({"\u200c", "\u200d"})


@deconstructible
class SingleLineTextValidator:
    """Refuses control characters (Unicode category Cc: NUL, tab, newline, escape...) and
    invisible format characters (Cf: bidi overrides such as U+202E, zero-width spaces) in a
    single-line text value, which would hide or reorder what a reader sees (a title shown
    as "txt.exe" that is "exe.txt"), or break a CSV, a log line or a terminal."""

    message = _("Remove the invisible or control characters (such as %(character)s).")
    code = "control_character"

    def __call__(self, value: object) -> None:
        if not isinstance(value, str) or value.isprintable():
            return  # the common case: no category C (nor line/paragraph separator) at all
        for character in value:
            if character in _ALLOWED_FORMAT:
                continue
            if unicodedata.category(character) in ("Cc", "Cf"):
                raise DjangoValidationError(
                    self.message, code=self.code, params={"character": f"U+{ord(character):04X}"}
                )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SingleLineTextValidator)

    def __hash__(self) -> int:
        return hash(SingleLineTextValidator)


single_line_text = SingleLineTextValidator()


def guard_single_line_fields(models_: Iterable[type[models.Model]]) -> None:
    """Add ``single_line_text`` to every ``CharField`` of *models_* (once each): model
    validation (services' ``full_clean``), model forms and model serializers then refuse
    such characters with a field error. Run time only: no migration sees it."""
    for model in models_:
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField) and single_line_text not in field.validators:
                field.validators.append(single_line_text)
