"""Workflows: a model's state changes only through transitions declared in code.

An app declares its states and transitions in ``constants.py``::

    class TaskStatus(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    TASK_WORKFLOW = Workflow(
        states=TaskStatus,
        initial=TaskStatus.OPEN,
        transitions=[
            Transition("complete", source=TaskStatus.OPEN, target=TaskStatus.DONE,
                       codename="tasks.change_task", guard="opsbase.modules.tasks.guards.all_done"),
            Transition("reopen", source=TaskStatus.DONE, target=TaskStatus.OPEN,
                       required_fields=("reason",)),
        ],
    )

puts the state on the model with ``status = StateField(_("status"), workflow=TASK_WORKFLOW)``
and ``objects = WorkflowManager()``, and changes it only with :func:`transition_apply`.
:func:`transitions_available` tells the UI and the API what can be done now, and why not.

Nothing else can change the state: ``save()`` of a changed state raises, ``create()`` takes
only an initial state, and ``QuerySet.update()``/``bulk_update()`` of the field raise.

This module imports no concrete model at import time, so ``constants.py`` files can import it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, router, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from opsbase.core.exceptions import InvalidTransition, NotFound, PermissionDenied, ValidationError
from opsbase.core.writes import atomic_write, row_lock
from opsbase.kernel.policy import policy

ANY = "*"
"""``source=ANY``: the transition leaves every state except its own target."""

Guard = Callable[[Any, Any], Any]
# effects(obj, membership) -> {field name: value}: what a move sets besides the state.
Effects = Callable[[Any, Any], dict[str, Any]]


# -- declaring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One allowed move of a state field.

    ``guard(obj, membership)`` returns the reason the move is blocked, or ``None``; it may be
    given as a dotted path, imported when first used (so ``constants.py`` imports nothing).
    ``required_fields`` must be passed to :func:`transition_apply` with a non-empty value,
    ``optional_fields`` may be; both are recorded with the change, and those that are fields
    of the model are also saved on the row. ``effects(obj, membership)`` (or a dotted path)
    returns other fields of the row the move sets itself, such as a completion time: saved
    with the new state and, where they change, recorded in the same audit event.
    """

    name: str
    source: Any
    target: str
    codename: str | None = None
    guard: Guard | str | None = None
    required_fields: tuple[str, ...] = ()
    optional_fields: tuple[str, ...] = ()
    label: Any = None
    effects: Effects | str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.source, str) and str(self.source) == ANY:
            source: Any = ANY
        elif isinstance(self.source, str):
            source = frozenset({str(self.source)})
        else:
            source = frozenset(str(s) for s in self.source)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "target", str(self.target))
        object.__setattr__(self, "required_fields", tuple(self.required_fields))
        object.__setattr__(self, "optional_fields", tuple(self.optional_fields))
        if self.label is None:
            object.__setattr__(self, "label", self.name.replace("_", " ").capitalize())

    def leaves(self, state: str) -> bool:
        """True when the transition can start from *state*."""
        if self.source == ANY:
            return state != self.target
        return state in self.source

    def blocked_by(self, obj, membership) -> str:
        """The guard's reason for refusing (an empty string when it lets the move through)."""
        guard = self.guard
        if guard is None:
            return ""
        if isinstance(guard, str):
            guard = import_string(guard)
        reason = guard(obj, membership)
        return str(reason) if reason else ""

    def effects_on(self, obj, membership) -> dict[str, Any]:
        """The fields (name: value) the move sets on *obj* besides its state."""
        effects = self.effects
        if effects is None:
            return {}
        if isinstance(effects, str):
            effects = import_string(effects)
        return dict(effects(obj, membership))

    @property
    def accepted_fields(self) -> tuple[str, ...]:
        return self.required_fields + self.optional_fields


class Workflow:
    """The states of one field and the transitions between them."""

    def __init__(
        self,
        *,
        states: type[models.TextChoices],
        initial: str | Iterable[str],
        transitions: Sequence[Transition],
    ) -> None:
        self.states = states
        values = [str(v) for v in states.values]
        self.labels: dict[str, str] = {str(v): label for v, label in states.choices}
        if isinstance(initial, str):
            initial = [initial]
        self.initial = frozenset(str(s) for s in initial)
        self.transitions = tuple(transitions)
        self._translated: dict[str | None, dict[Any, str]] = {}
        self._by_name: dict[str, Transition] = {}
        problems = [f"initial state {s!r}" for s in sorted(self.initial) if s not in values]
        if not self.initial:
            problems.append("no initial state")
        for t in self.transitions:
            if t.name in self._by_name:
                problems.append(f"transition {t.name!r} declared twice")
            self._by_name[t.name] = t
            sources = set() if t.source == ANY else set(t.source)
            for state in sorted(sources | {t.target}):
                if state not in values:
                    problems.append(f"transition {t.name!r} names unknown state {state!r}")
        if problems:
            raise ValueError(f"Workflow of {states.__name__}: " + "; ".join(problems) + ".")

    def __repr__(self) -> str:
        return f"<Workflow of {self.states.__name__}: {', '.join(self._by_name)}>"

    def transition(self, name: str) -> Transition | None:
        return self._by_name.get(name)

    def leaving(self, state: str) -> list[Transition]:
        """The transitions that can start from *state*, in declaration order."""
        return [t for t in self.transitions if t.leaves(state)]

    def label_of(self, state: str, texts: dict[Any, str] | None = None) -> str:
        """*state*'s label in the active language (*texts*: ``_texts()``, when at hand)."""
        texts = self._texts() if texts is None else texts
        return texts.get(state) or str(self.labels.get(state, state))

    def transition_label(self, transition: Transition, texts: dict[Any, str] | None = None) -> str:
        texts = self._texts() if texts is None else texts
        return texts.get(("transition", transition.name)) or str(transition.label)

    def _texts(self) -> dict[Any, str]:
        """The labels of the states and transitions in the active language, translated once
        per language (a list shows the moves of every row: the same few labels each time)."""
        language = translation.get_language()
        texts = self._translated.get(language)
        if texts is None:
            texts = {state: str(label) for state, label in self.labels.items()}
            texts.update((("transition", t.name), str(t.label)) for t in self.transitions)
            self._translated[language] = texts
        return texts


# Objects (model label, primary key) whose state the running transition may write.
_WRITABLE: ContextVar[frozenset[tuple[str, Any]]] = ContextVar(
    "opsbase_workflow_writable", default=frozenset()
)


def _key(obj) -> tuple[str, Any]:
    return (obj._meta.label_lower, obj.pk)


@contextmanager
def _state_write(obj) -> Iterator[None]:
    token = _WRITABLE.set(_WRITABLE.get() | {_key(obj)})
    try:
        yield
    finally:
        _WRITABLE.reset(token)


class StateField(models.CharField):
    """A ``CharField`` whose value changes only through :func:`transition_apply`.

    Migrations see a plain ``CharField`` (so data migrations are free to fix states), and the
    model's default manager must be a ``WorkflowManager`` (a system check says so).
    """

    def __init__(self, *args: Any, workflow: Workflow | None = None, **kwargs: Any) -> None:
        self.workflow = workflow
        if workflow is not None:
            kwargs.setdefault("choices", workflow.states.choices)
            longest = max(len(str(v)) for v in workflow.states.values)
            kwargs.setdefault("max_length", max(32, longest))
            if len(workflow.initial) == 1:
                kwargs.setdefault("default", next(iter(workflow.initial)))
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        from opsbase.core.models import WorkflowQuerySet

        if self.workflow is None:
            errors.append(
                checks.Error("StateField needs workflow=<Workflow>.", obj=self, id="opsbase.E101")
            )
        elif not isinstance(self.model._default_manager.get_queryset(), WorkflowQuerySet):
            errors.append(
                checks.Error(
                    f"{self.model.__name__} has a StateField, so its default manager must be a "
                    "WorkflowManager (opsbase.core.models) that refuses update() of the state.",
                    obj=self,
                    id="opsbase.E102",
                )
            )
        return errors

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if self.workflow is None or _key(model_instance) in _WRITABLE.get():
            return value
        state = str(value)
        name = type(model_instance).__name__
        if add:
            if state not in self.workflow.initial:
                raise InvalidTransition(
                    _("A new %(model)s starts as %(initial)s, not %(state)s.")
                    % {
                        "model": name,
                        "initial": ", ".join(sorted(self.workflow.initial)),
                        "state": state,
                    },
                    extra={"field": self.name, "state": state},
                )
            return value
        stored = self._stored_state(model_instance)
        if stored is not None and stored != state:
            raise InvalidTransition(
                _(
                    "%(model)s.%(field)s is %(stored)s in the database and %(state)s here: "
                    "it changes only through transition_apply(); reload the object and retry."
                )
                % {"model": name, "field": self.name, "stored": stored, "state": state},
                extra={"field": self.name, "state": stored},
            )
        return value

    def _stored_state(self, instance) -> str | None:
        using = instance._state.db or router.db_for_write(type(instance), instance=instance)
        rows = type(instance)._base_manager.using(using).filter(pk=instance.pk)
        if transaction.get_connection(using).in_atomic_block:
            # Hold the row so that a transition cannot slip in between this check and the write.
            rows = rows.select_for_update()
        stored = rows.values_list(self.attname, flat=True).first()
        return None if stored is None else str(stored)


def state_field_of(model, name: str | None = None) -> StateField:
    """The ``StateField`` of *model* (named *name* when the model has several)."""
    found = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, StateField) and f.workflow is not None
    ]
    if name is not None:
        found = [f for f in found if f.name == name]
    if len(found) != 1:
        what = f"a StateField named {name!r}" if name else "exactly one StateField"
        raise LookupError(f"{model.__name__} does not have {what}.")
    return found[0]


def workflow_of(model, state_field: str | None = None) -> Workflow:
    workflow = state_field_of(model, state_field).workflow
    assert workflow is not None  # noqa: S101 - state_field_of only returns declared ones
    return workflow


# -- asking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransitionOption:
    """A transition from the object's current state, and whether the member may take it."""

    name: str
    label: str
    source: str
    target: str
    target_label: str
    allowed: bool
    reason: str = ""
    required_fields: tuple[str, ...] = ()
    optional_fields: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["required_fields"] = list(self.required_fields)
        data["optional_fields"] = list(self.optional_fields)
        return data


def _state_of(obj, sf: StateField) -> str:
    return str(getattr(obj, sf.attname))


def _require_same_tenant(membership, obj) -> None:
    if membership is None or obj.tenant_id != membership.tenant_id:
        raise NotFound()


def _refusal(membership, obj, transition: Transition) -> tuple[str, bool]:
    """Why *membership* may not take *transition* on *obj* ("" when it may), and whether the
    reason is a permission (rather than a rule of the workflow)."""
    if not membership.is_active:
        return _("You are not a member of this organization."), True
    if transition.codename:
        decision = policy.decide(membership, transition.codename, obj)
        if not decision.allowed:
            return decision.reason, True
    return transition.blocked_by(obj, membership), False


def _option(
    workflow: Workflow, t: Transition, state: str, reason: str, texts: dict[Any, str] | None = None
) -> TransitionOption:
    """*t* from *state* as an option; *texts*: the workflow's labels in the active language,
    when the caller has them (``Workflow._texts``)."""
    texts = workflow._texts() if texts is None else texts
    return TransitionOption(
        name=t.name,
        label=workflow.transition_label(t, texts),
        source=state,
        target=t.target,
        target_label=workflow.label_of(t.target, texts),
        allowed=not reason,
        reason=reason,
        required_fields=t.required_fields,
        optional_fields=t.optional_fields,
    )


def transitions_available(
    *, membership, obj, state_field: str | None = None, include_unreachable: bool = False
) -> list[TransitionOption]:
    """Every transition from *obj*'s current state, each allowed or with the reason it is not.

    With ``include_unreachable`` the transitions that start elsewhere are listed too (refused,
    naming the current state). Another tenant's object raises ``NotFound``.
    """
    _require_same_tenant(membership, obj)
    sf = state_field_of(type(obj), state_field)
    workflow = sf.workflow
    assert workflow is not None  # noqa: S101
    state = _state_of(obj, sf)
    options = []
    for t in workflow.transitions:
        if t.leaves(state):
            reason, _permission = _refusal(membership, obj, t)
        elif include_unreachable:
            reason = _("Not possible while it is %(state)s.") % {"state": workflow.label_of(state)}
        else:
            continue
        options.append(_option(workflow, t, state, reason))
    return options


def transitions_for_every(
    *, membership, model, state: str, state_field: str | None = None
) -> list[TransitionOption] | None:
    """What ``transitions_available`` answers for every object of *model* in *state* in
    *membership*'s tenant, when that answer does not depend on the object: no transition from
    *state* has a guard, and the policy decides each one's codename alike for every object
    (``Policy.decide_for_all``). None otherwise: ask per object. A list of 50 rows in a few
    states asks a few times instead of 50."""
    workflow = state_field_of(model, state_field).workflow
    assert workflow is not None  # noqa: S101
    options = []
    texts = workflow._texts()
    for t in workflow.leaving(state):
        if t.guard is not None:
            return None
        if not membership.is_active:
            reason = _("You are not a member of this organization.")
        elif t.codename:
            decision = policy.decide_for_all(membership, t.codename)
            if decision is None:
                return None
            reason = decision.reason
        else:
            reason = ""
        options.append(_option(workflow, t, state, str(reason), texts))
    return options


# -- changing -------------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | dict):
        return not value
    return False


def _clean_values(obj, transition: Transition, values: dict[str, Any]) -> dict[str, Any]:
    """The transition's inputs, checked; model fields among them are cleaned by the field."""
    errors: dict[str, list[str]] = {}
    for name in sorted(set(values) - set(transition.accepted_fields)):
        errors[name] = [
            _("Not accepted by the “%(transition)s” transition.") % {"transition": transition.name}
        ]
    cleaned: dict[str, Any] = {}
    for name in transition.accepted_fields:
        value = values.get(name)
        if _is_empty(value):
            if name in transition.required_fields:
                errors[name] = [_("This field is required.")]
            continue
        if isinstance(value, str):
            value = value.strip()
        try:
            model_field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None and model_field.concrete:
            try:
                value = model_field.clean(value, obj)
            except DjangoValidationError as exc:
                errors[name] = [str(m) for m in exc.messages]
                continue
        cleaned[name] = value
    if errors:
        raise ValidationError(extra={"fields": errors})
    return cleaned


def _not_from_here(membership, obj, sf: StateField, name: str) -> InvalidTransition:
    workflow = sf.workflow
    assert workflow is not None  # noqa: S101
    state = _state_of(obj, sf)
    allowed = [
        o.name
        for o in transitions_available(membership=membership, obj=obj, state_field=sf.name)
        if o.allowed
    ]
    if workflow.transition(name) is None:
        message = _("There is no “%(transition)s” transition.") % {"transition": name}
    else:
        message = _("“%(transition)s” is not possible while it is %(state)s.") % {
            "transition": name,
            "state": workflow.label_of(state),
        }
    if allowed:
        message += " " + _("Possible now: %(allowed)s.") % {"allowed": ", ".join(allowed)}
    else:
        message += " " + _("No transition is possible now.")
    return InvalidTransition(
        message, extra={"transition": name, "state": state, "allowed": allowed}
    )


def transition_apply(
    *, membership, obj, transition: str, state_field: str | None = None, **values: Any
):
    """Move *obj* along *transition* for *membership*, or raise and change nothing.

    In one transaction, in the lock order of every write (``opsbase.core.writes``): lock the
    row and read it afresh (gone or another tenant's: ``NotFound``), re-check the state after
    the lock (a concurrent move makes this one fail), check the permission, the guard and the
    transition's fields, save the new state, close the time-in-state stay and record the
    audit event (the chain head is locked last). On SQLite a busy database is retried
    briefly. Returns the freshly saved row; *obj*'s state (and saved fields) are updated to
    match.
    """
    _require_same_tenant(membership, obj)
    sf = state_field_of(type(obj), state_field)
    locked, update_fields = _transition_locked(membership, obj, sf, transition, values)
    for attname in update_fields:
        setattr(obj, attname, getattr(locked, attname))
    return locked


@atomic_write
def _transition_locked(membership, obj, sf: StateField, transition: str, values: dict[str, Any]):
    model = type(obj)
    workflow = sf.workflow
    assert workflow is not None  # noqa: S101
    locked = row_lock(model, pk=obj.pk, tenant_id=membership.tenant_id)
    declared = workflow.transition(transition)
    before = _state_of(locked, sf)
    if declared is None or not declared.leaves(before):
        raise _not_from_here(membership, locked, sf, transition)
    reason, is_permission = _refusal(membership, locked, declared)
    if reason and is_permission:
        raise PermissionDenied(
            reason, extra={"codename": declared.codename, "transition": declared.name}
        )
    if reason:
        raise InvalidTransition(
            reason, extra={"transition": declared.name, "state": before, "allowed": []}
        )
    cleaned = _clean_values(locked, declared, values)

    changes: dict[str, tuple[Any, Any]] = {sf.name: (before, declared.target)}
    update_fields = [sf.attname]
    for name, value in cleaned.items():
        model_field = _concrete_field(locked, name)
        if model_field is None:
            changes[name] = (None, value)
            continue
        changes[name] = (getattr(locked, model_field.attname), value)
        setattr(locked, model_field.attname, value)
        update_fields.append(model_field.attname)
    if _concrete_field(locked, "updated_at") is not None:
        update_fields.append("updated_at")
    setattr(locked, sf.attname, declared.target)
    # The effects see the row in its new state.
    for name, value in declared.effects_on(locked, membership).items():
        model_field = _concrete_field(locked, name)
        if model_field is None:
            raise ImproperlyConfigured(
                f"Transition {declared.name!r} sets {name!r}, which is not a field of "
                f"{model._meta.label}."
            )
        if getattr(locked, model_field.attname) == value:
            continue
        changes[name] = (getattr(locked, model_field.attname), value)
        setattr(locked, model_field.attname, value)
        update_fields.append(model_field.attname)
    with _state_write(locked):
        locked.save(update_fields=update_fields)

    _record_stay(
        obj=locked,
        sf=sf,
        transition=declared,
        from_state=before,
        actor=membership.user,
        data=cleaned,
    )
    from opsbase.kernel.audit import services as audit

    audit.audit_event(
        tenant=membership.tenant,
        actor=membership.user,
        action=f"{model._meta.model_name}.transition.{declared.name}",
        target=locked,
        changes=changes,
    )
    return locked, update_fields


def _concrete_field(obj, name: str):
    try:
        f = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return f if f.concrete else None


# -- time in state --------------------------------------------------------------------------


def _stays(obj, sf: StateField):
    from django.contrib.contenttypes.models import ContentType

    from opsbase.core.models import StateChange

    content_type = ContentType.objects.get_for_model(type(obj))
    rows = StateChange.objects.for_tenant(obj.tenant_id).filter(
        content_type=content_type, object_id=str(obj.pk), field=sf.name
    )
    return rows, content_type


def _record_stay(*, obj, sf: StateField, transition: Transition, from_state: str, actor, data):
    """Close the stay in *from_state* and open one in the transition's target."""
    from opsbase.core.models import StateChange

    now = timezone.now()
    rows, content_type = _stays(obj, sf)
    current = rows.filter(left_at__isnull=True).order_by("-entered_at", "-pk").first()
    if current is None:
        # The first move: the object has been in its initial state since it was created.
        last = rows.order_by("-entered_at", "-pk").first()
        entered = last.left_at if last is not None else getattr(obj, "created_at", None) or now
        current = StateChange(
            tenant_id=obj.tenant_id,
            content_type=content_type,
            object_id=str(obj.pk),
            field=sf.name,
            to_state=from_state,
            entered_at=entered,
        )
    current.left_at = now
    current.duration_seconds = max((now - current.entered_at).total_seconds(), 0.0)
    current.save()
    StateChange.objects.create(
        tenant_id=obj.tenant_id,
        content_type=content_type,
        object_id=str(obj.pk),
        field=sf.name,
        transition=transition.name,
        from_state=from_state,
        to_state=transition.target,
        actor=actor,
        data=data,
        entered_at=now,
    )


def state_history(obj, *, state_field: str | None = None) -> models.QuerySet:
    """The stays of *obj* in its states, oldest first, with the actor joined."""
    rows, _ct = _stays(obj, state_field_of(type(obj), state_field))
    return rows.select_related("actor").order_by("entered_at", "pk")


def state_durations(obj, *, state_field: str | None = None, now=None) -> dict[str, timedelta]:
    """Time *obj* has spent in each state it has been in, up to *now* (default: now)."""
    sf = state_field_of(type(obj), state_field)
    now = now or timezone.now()
    rows, _ct = _stays(obj, sf)
    totals: dict[str, timedelta] = {}
    stays = list(rows.values_list("to_state", "entered_at", "left_at", "duration_seconds"))
    if not stays:
        created = getattr(obj, "created_at", None) or now
        return {_state_of(obj, sf): max(now - created, timedelta(0))}
    for state, entered, left, seconds in stays:
        spent = now - entered if left is None else timedelta(seconds=seconds or 0)
        totals[state] = totals.get(state, timedelta(0)) + max(spent, timedelta(0))
    return totals
