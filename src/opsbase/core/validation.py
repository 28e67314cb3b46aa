"""Model validation with Django's error turned into OpsBase's, for every service."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from .exceptions import ValidationError


def validated(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """``obj.full_clean()`` with Django's error turned into OpsBase's (field -> messages)."""
    try:
        obj.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        messages = [m for ms in fields.values() for m in ms]
        raise ValidationError(" ".join(messages), extra={"fields": fields}) from None
