"""A record's audit trail as people read it: who (by name), did what (in words), from what
to what (labels, names and local times, never ids, codes or e-mails).

``record_history(membership=, model=Task, pk=7)`` reads the tenant's audit events of the
record, oldest first, in a fixed number of queries whatever the length of the history.
Callers check that the member may see the record (its detail page does).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from opsbase.kernel.audit.models import AuditAction, AuditEvent
from opsbase.kernel.tenants.models import Membership

# Recorded with every create, shown elsewhere on the page.
HIDDEN = frozenset({"tenant", "created_at", "updated_at"})


@dataclass
class Change:
    field: str
    label: str
    old: str | None
    new: str | None


@dataclass
class Entry:
    """One event of the trail: ``kind`` is create, update, delete, status or other."""

    event: AuditEvent
    kind: str
    title: str
    actor: str
    changes: list[Change] = field(default_factory=list)


def person_name(user: Any) -> str:
    """How a person is shown: their name, else their e-mail."""
    if user is None:
        return ""
    return f"{user.first_name} {user.last_name}".strip() or user.email


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _label(model: type[models.Model], name: str) -> str:
    found = _field(model, name)
    if found is None:  # a transition's own input (a reason): not a field of the model
        return capfirst(name.replace("_", " "))
    return capfirst(str(found.verbose_name))


def _related_model(model: type[models.Model], name: str) -> type[models.Model]:
    related: Any = getattr(_field(model, name), "related_model", None)
    return cast("type[models.Model]", related)


def _kind_and_title(model: type[models.Model], action: str) -> tuple[str, str]:
    if action == AuditAction.CREATE:
        return "create", _("Created")
    if action == AuditAction.UPDATE:
        return "update", _("Changed")
    if action == AuditAction.DELETE:
        return "delete", _("Deleted")
    if ".transition." in action:
        return "status", _("Status changed")
    return "other", capfirst(action.rsplit(".", 1)[-1].replace("_", " "))


def _related_names(
    model: type[models.Model], events: list[AuditEvent], tenant_id: int
) -> dict[str, Mapping[Any, str]]:
    """For every relation the events name, its values (ids) -> how people read them."""
    wanted: dict[str, set[Any]] = defaultdict(set)
    for event in events:
        for name, values in (event.changes or {}).items():
            found = _field(model, name)
            if found is not None and found.is_relation and isinstance(values, dict):
                wanted[name].update(v for v in (values.get("old"), values.get("new")) if v)
    names: dict[str, Mapping[Any, str]] = {}
    by_model: dict[type[models.Model], set[Any]] = defaultdict(set)
    for name, ids in wanted.items():
        by_model[_related_model(model, name)].update(ids)
    shown: dict[type[models.Model], dict[Any, str]] = {}
    user_model = get_user_model()
    for related, ids in by_model.items():
        if related is Membership:
            members = Membership.objects.for_tenant(tenant_id).filter(pk__in=ids)
            shown[related] = {m.pk: person_name(m.user) for m in members.select_related("user")}
        elif related is user_model:
            users = user_model._default_manager.filter(pk__in=ids)
            shown[related] = {u.pk: person_name(u) for u in users}
        else:
            rows = related._base_manager.filter(pk__in=ids)
            if _field(related, "tenant") is not None:
                rows = rows.filter(tenant_id=tenant_id)
            shown[related] = {r.pk: str(r) for r in rows}
    for name in wanted:
        names[name] = shown[_related_model(model, name)]
    return names


def _shown(model: type[models.Model], name: str, value: Any, related: Mapping[Any, str]) -> Any:
    if value in (None, ""):
        return None
    found = _field(model, name)
    if found is None:
        return str(value)
    if found.is_relation:
        return related.get(value, _("(removed)"))
    choices = dict(getattr(found, "flatchoices", ()) or ())
    if choices:
        return str(choices.get(value, value))
    if isinstance(found, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(found, models.DateTimeField) and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return date_format(timezone.localtime(moment), get_format("SHORT_DATETIME_FORMAT"))
    return str(value)


def record_history(*, membership: Membership, model: type[models.Model], pk: Any) -> list[Entry]:
    """The audit trail of record *pk* of *model*, oldest first, in words (see the module)."""
    events = list(
        AuditEvent.objects.for_tenant(membership.tenant_id)
        .filter(target_type=model._meta.label_lower, target_id=str(pk))
        .select_related("actor")
        .order_by("created_at", "seq")
    )
    related = _related_names(model, events, membership.tenant_id)
    timeline: list[Entry] = []
    for event in events:
        kind, title = _kind_and_title(model, event.action)
        actor = person_name(event.actor) if event.actor_id else ""
        entry = Entry(event=event, kind=kind, title=title, actor=actor or event.actor_label)
        for name, values in sorted((event.changes or {}).items()):
            if name in HIDDEN or not isinstance(values, dict):
                continue
            names = related.get(name, {})
            entry.changes.append(
                Change(
                    field=name,
                    label=_label(model, name),
                    old=_shown(model, name, values.get("old"), names),
                    new=_shown(model, name, values.get("new"), names),
                )
            )
        timeline.append(entry)
    return timeline
