"""Form plumbing shared by every page: a service's errors shown on the form that sent the input."""

from __future__ import annotations

from django import forms

from opsbase.core.exceptions import ValidationError


def form_add_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on *form*: per field when it names one of its fields."""
    fields = error.extra.get("fields") or {}
    placed = False
    for name, messages in fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
