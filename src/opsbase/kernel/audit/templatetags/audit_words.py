"""The audit log in words: what an event's action and target type say to a person
(``task.transition.block`` → "Status changed: block", ``tasks.task`` → "Task")."""

from __future__ import annotations

import functools

from django import template
from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..models import AuditAction

register = template.Library()


@register.filter
def action_words(action: str) -> str:
    """A recorded action as words (the kernel's labels; a module's ``x.y.z`` by its last part)."""
    labels = dict(AuditAction.choices)
    if action in labels:
        return str(labels[action])
    if ".transition." in action:
        move = action.rsplit(".", 1)[-1].replace("_", " ")
        return _("Status changed: %(move)s") % {"move": move}
    return capfirst(action.rsplit(".", 1)[-1].replace("_", " "))


@functools.lru_cache(maxsize=128)
def _verbose_name(label: str) -> str | None:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return str(model._meta.verbose_name)


@register.filter
def target_words(target_type: str) -> str:
    """A target type (``app.model``) by its model's name, in the active language."""
    if not target_type:
        return ""
    name = _verbose_name(target_type)
    return capfirst(name) if name else target_type
