"""Pipelines: records moving through ordered stages that are open, won or lost.

A module keeps two concrete models on ``PipelineBase`` and ``StageBase`` (the stage with its
``pipeline`` foreign key); its records carry ``pipeline`` and ``stage`` foreign keys and, when
they have one, a ``closed_at`` time. It declares them once::

    DEALS = Pipelines(
        pipeline_model=Pipeline, stage_model=Stage, codename=MANAGE, view_codename=VIEW_PIPELINES,
    )

and gets, from the declaration:

* ``create_default(tenant_id, name, stages)``: a pipeline with its stages (a new tenant's);
* ``setup(tenant_id)``: the declared ``default_stages`` pipeline and ``default_lists``
  entries of a new tenant; ``default(tenant_id)`` (set up when none), ``list(membership)``,
  ``get_for(membership, pk)``; ``place(obj)``: a new record in its first stage;
* ``stage_move(...)``: the move rule every module shares (the stage belongs to the record's
  pipeline; won and lost are final, leaving them needs the *reopen* codename unless it
  undoes the member's own last move; entering a stage needs its required fields), audited;
  ``move(...)``: the same with the declared ``lost_field`` and ``analytics`` events;
* ``won_only(obj)``: the ``ready`` of a conversion or follow-up that needs a won record;
* ``board(records, pipeline, rows)``: a column per stage, its count, value sum and cards;
* the editor's entities and pages (``pipeline_pages()``, ``stage_pages()``): create, rename,
  delete pipelines; create, rename, reorder stages, set their kind and required fields;
* ``PipelineViewSet``: the read-only API of pipelines with their stages.
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db import models
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.api.serializers import TenantRelatedField
from opsbase.core.exceptions import InvalidTransition, ValidationError
from opsbase.core.models import TenantOwnedModel
from opsbase.core.writes import atomic_write, row_lock
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.web.decorators import membership_required

from .entity import Codenames, Entity
from .forms import RecordForm
from .rows import Choice, Number, RowSpec, Text
from .selectors import record_get_for
from .services import record_create, record_update
from .stage_kinds import StageKind
from .views import RecordDetailView

__all__ = [
    "Board",
    "DealDetailView",
    "DealBase",
    "won_only",
    "PipelineBase",
    "PipelineViewSet",
    "Pipelines",
    "StageBase",
    "StageKind",
    "deal_indexes",
    "required_field_errors",
]


class PipelineBase(TenantOwnedModel):
    name = models.CharField(gettext_lazy("name"), max_length=100)
    is_default = models.BooleanField(gettext_lazy("default"), default=False)

    class Meta:
        # A concrete ``class Meta(PipelineBase.Meta)`` inherits the order and the index.
        abstract = True
        ordering = ["-is_default", "name", "pk"]
        indexes = [models.Index(fields=["tenant", "name"], name="%(class)s_tenant_name")]

    def __str__(self) -> str:
        return self.name


class StageBase(TenantOwnedModel):
    """A stage of a pipeline (the concrete model adds ``pipeline``), at its position."""

    name = models.CharField(gettext_lazy("name"), max_length=100)
    position = models.PositiveSmallIntegerField(gettext_lazy("position"), default=0)
    kind = models.CharField(gettext_lazy("kind"), max_length=8, choices=StageKind.choices)
    #: Record fields that must be filled to enter this stage ("value", "lost_reason"...).
    required_fields = models.JSONField(gettext_lazy("required fields"), default=list, blank=True)

    class Meta:
        # A concrete ``class Meta(StageBase.Meta)`` inherits the order and the index (of the
        # concrete model's ``pipeline``).
        abstract = True
        ordering = ["pipeline", "position", "pk"]
        indexes = [models.Index(fields=["tenant", "pipeline", "position"], name="%(class)s_order")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_final(self) -> bool:
        return self.kind != StageKind.OPEN


class DealBase(models.Model):
    """The fields of a record in a pipeline besides its ``pipeline`` and ``stage``: its owner
    (the assign action, the follow-up reminders), its estimated value and currency (the
    board's sums, the won value), its next follow-up (the due counts) and when it closed
    (``place`` and the moves keep it; the conversion rates read it)."""

    value = models.DecimalField(
        gettext_lazy("estimated value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(gettext_lazy("currency"), max_length=3, default="EUR")
    owner = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("owner"),
    )
    follow_up = models.DateField(gettext_lazy("next follow-up"), null=True, blank=True)
    closed_at = models.DateTimeField(gettext_lazy("closed"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


def deal_indexes() -> list[models.Index]:
    """The indexes a ``DealBase`` record's lists need (the board's stages, a member's own,
    the follow-ups due), for its concrete ``Meta.indexes``: each after the tenant
    (``<model>_tenant_stage``, ``_owner``, ``_follow_up``)."""
    return [
        models.Index(fields=["tenant", name], name=f"%(class)s_tenant_{name}")
        for name in ("stage", "owner", "follow_up")
    ]


def _attname(obj: models.Model, name: str) -> str:
    field: Any = obj._meta.get_field(name)
    return str(field.attname)


def required_field_errors(obj: models.Model, stage: StageBase) -> dict[str, list[str]]:
    """The fields *stage* requires that *obj* leaves empty, each with its message."""
    errors: dict[str, list[str]] = {}
    for name in stage.required_fields:
        if getattr(obj, _attname(obj, name)) in (None, ""):
            errors[name] = [_("Required to enter the stage “%s”.") % stage.name]
    return errors


def won_only(obj: Any) -> None:
    """``InvalidTransition`` unless *obj* is in a won stage (what converting a deal needs)."""
    if obj.stage.kind != StageKind.WON:
        raise InvalidTransition(
            _("Only a won %(record)s can be converted.") % {"record": obj._meta.verbose_name}
        )


@dataclass(frozen=True)
class Pipelines:
    """A module's pipelines (see the module docstring)."""

    pipeline_model: type[PipelineBase]
    stage_model: type[StageBase]
    #: Who edits pipelines and stages, and who sees them.
    codename: str
    view_codename: str
    #: The record model whose fields a stage may require (its choices in the stage editor).
    record_model: type[models.Model] | None = None
    #: A ``kit.timeline.Timeline`` where each move is noted (as ``move_kind``): the undo
    #: reads the member's last move there.
    timeline: Any = None
    move_kind: str = "stage"
    #: A new tenant's default pipeline: its name, its stages (``(name, kind, required
    #: fields)``) and the reference lists (``kit.reference_lists.ReferenceList``) whose
    #: ``defaults`` it starts with too (``setup``).
    default_name: Any = ""
    default_stages: Sequence[tuple[Any, str, Sequence[str]]] = ()
    default_lists: Sequence[Any] = ()
    #: The record's field saying why it was lost: required by the lost stages that name it,
    #: kept (or the one given) on entering a lost stage, cleared on leaving one (``move``).
    lost_field: str = ""
    #: The analytics events of ``move``: ``<name>.won``, ``<name>.lost``, ``<name>.moved``
    #: (none when empty).
    analytics: str = ""

    def _stages(self, tenant_id: int) -> QuerySet[Any]:
        return self.stage_model._default_manager.for_tenant(tenant_id)

    def _pipelines(self, tenant_id: int) -> QuerySet[Any]:
        return self.pipeline_model._default_manager.for_tenant(tenant_id)

    # -- pipelines -------------------------------------------------------------------------
    def create_default(
        self, *, tenant_id: int, name: str, stages: Sequence[tuple[Any, str, Sequence[str]]]
    ) -> Any:
        """The default pipeline of a new tenant with its *stages* (``(name, kind, required)``),
        in order; written by the system, not a member."""
        pipeline = self.pipeline_model(tenant_id=tenant_id, name=str(name), is_default=True)
        pipeline.save()
        for position, (stage_name, kind, required) in enumerate(stages):
            self.stage_model(  # type: ignore[misc]  # the concrete model has it
                tenant_id=tenant_id,
                pipeline=pipeline,
                name=str(stage_name),
                position=position,
                kind=kind,
                required_fields=list(required),
            ).save()
        return pipeline

    def setup(self, *, tenant_id: int) -> Any:
        """A new tenant's declared default pipeline (``default_stages``) and the defaults of
        its ``default_lists``; None when none is declared."""
        if not self.default_stages:
            return None
        pipeline = self.create_default(
            tenant_id=tenant_id, name=self.default_name, stages=self.default_stages
        )
        for reference_list in self.default_lists:
            reference_list.create_defaults(tenant_id=tenant_id)
        return pipeline

    def default(self, *, tenant_id: int, create: Callable[[], Any] | None = None) -> Any:
        """The tenant's default pipeline (else its first; *create*, else the declared
        ``setup``, makes one when none)."""
        found = self._pipelines(tenant_id).order_by("-is_default", "pk").first()
        if found is None and create is None:
            return self.setup(tenant_id=tenant_id)
        return found if found is not None or create is None else create()

    def list(self, *, membership: Membership) -> QuerySet[Any]:
        """The tenant's pipelines, their stages prefetched."""
        pipelines = self._pipelines(membership.tenant_id)
        return policy.scope(membership, self.view_codename, pipelines).prefetch_related("stages")

    def get_for(self, *, membership: Membership, pk: Any) -> Any:
        return record_get_for(
            self.pipeline_model, membership=membership, pk=pk, codename=self.view_codename
        )

    def first_stage(self, pipeline: Any) -> Any:
        return pipeline.stages.order_by("position", "pk").first()

    def place(self, obj: Any, *, tenant_id: int, pipeline: Any = None, stage: Any = None) -> Any:
        """Put the new *obj* in *stage*, else the first stage of *pipeline*, else of the
        tenant's default pipeline; closed (``closed_at``) when that stage is final."""
        if pipeline is None:
            pipeline = stage.pipeline if stage else self.default(tenant_id=tenant_id)
        obj.pipeline, obj.stage = pipeline, stage or self.first_stage(pipeline)
        if any(f.name == "closed_at" for f in type(obj)._meta.fields):
            obj.closed_at = timezone.now() if obj.stage.is_final else None
        return obj

    # -- moves -----------------------------------------------------------------------------
    def stage_move(
        self,
        *,
        membership: Membership,
        obj: models.Model,
        stage: Any,
        codename: str,
        reopen: str,
        changes: Mapping[str, Any] | Callable[[Any, Any], Mapping[str, Any]] = (),  # type: ignore[assignment]
        check: Callable[..., None] | None = None,
        derive: Callable[..., Mapping[str, Any]] | None = None,
        undo: bool = False,
    ) -> Any:
        """Move *obj* to *stage* of its pipeline (with *changes*, or ``changes(current,
        stage)``); the stage it left, or None when it was there already."""
        return _stage_move(
            self, membership, obj, stage, codename, reopen, changes, check, derive, undo
        )

    def move(
        self,
        *,
        membership: Membership,
        obj: Any,
        stage: Any,
        codename: str,
        reopen: str,
        lost: Any = None,
        check: Callable[..., None] | None = None,
        derive: Callable[..., Mapping[str, Any]] | None = None,
        undo: bool = False,
    ) -> Any:
        """``stage_move`` with the declared ``lost_field`` (*lost*, else the record's, on
        entering a lost stage; cleared when leaving for another stage without one) and the
        declared ``analytics`` event once moved; the stage left, or None."""
        name = self.lost_field

        def changes(current: Any, stage: Any) -> dict[str, Any]:
            if not name:
                return {}
            if stage.kind == StageKind.LOST:
                return {name: lost or getattr(current, name)}
            return {name: None} if lost is None else {}

        left = self.stage_move(
            membership=membership,
            obj=obj,
            stage=stage,
            codename=codename,
            reopen=reopen,
            changes=changes,
            check=check,
            derive=derive,
            undo=undo,
        )
        if left is not None and self.analytics:
            from opsbase.services.analytics import track

            events = {StageKind.WON: "won", StageKind.LOST: "lost"}
            event = f"{self.analytics}.{events.get(StageKind(stage.kind), 'moved')}"
            value = getattr(obj, "value", None)
            track(membership, event, {self.analytics: obj.pk, "stage": stage.name, "value": value})
        return left

    def undo(self, *, membership: Membership, obj: Any, move: Callable[[Any], Any]) -> Any:
        """Undo the member's own last move of *obj* (read on the timeline): ``move(stage)``
        back to the stage it left; ``InvalidTransition`` when there is none."""
        last = self.timeline.last(obj, self.move_kind)
        if last is None or last.author_id != membership.pk or last.data.get("undo"):
            raise InvalidTransition(_("There is no move of yours to undo here."))
        return move(self._stages(membership.tenant_id).get(pk=last.data["from"]))

    def errors(
        self, obj: Any, tenant_id: int, changed: frozenset[str], related: Sequence[str] = ()
    ) -> dict[str, builtins.list[str]]:
        """What is wrong with *obj*'s place: a stage of another pipeline (or tenant), an
        empty field its new stage requires, a *related* record of another tenant."""
        errors = required_field_errors(obj, obj.stage) if "stage" in changed else {}
        if obj.stage.tenant_id != tenant_id or obj.stage.pipeline_id != obj.pipeline_id:
            errors["stage"] = [_("Choose a stage of its pipeline.")]
        for name in related:
            other = getattr(obj, name) if getattr(obj, _attname(obj, name)) else None
            if other is not None and other.tenant_id != tenant_id:
                errors[name] = [_("Choose one of this organization's.")]
        return errors

    def check(self, tenant_id: int, related: Sequence[str] = ()) -> Callable[[Any, Any], None]:
        """A ``check`` for the kit's services: ``ValidationError`` with the field errors of
        ``errors`` (the stage, its required fields, the *related* records' tenant, the
        declared ``lost_field`` among them)."""
        if self.lost_field and self.lost_field not in related:
            related = (*related, self.lost_field)

        def check(obj: Any, changed: frozenset[str]) -> None:
            errors = self.errors(obj, tenant_id, changed, related=related)
            if errors:
                raise ValidationError(extra={"fields": errors})

        return check

    # -- the board -------------------------------------------------------------------------
    def board(
        self,
        *,
        records: QuerySet[Any],
        pipeline: Any,
        rows: RowSpec,
        value: str = "value",
        limit: int = 50,
    ) -> builtins.list[dict[str, Any]]:
        """Each stage of *pipeline* with its count, *value* sum and first cards (*rows* of
        *records*, by score then age): two queries, whatever the number of records."""
        records = records.filter(pipeline=pipeline)
        totals = {
            row["stage_id"]: row
            for row in records.order_by()
            .values("stage_id")
            .annotate(n=Count("pk"), total=Sum(value))
        }
        by_stage: dict[int, list[dict[str, Any]]] = {}
        order = (
            ("-score", "pk") if "score" in {f.name for f in records.model._meta.fields} else ("pk",)
        )
        for row in rows.rows(records.order_by(*order)):
            by_stage.setdefault(row["stage_id"], []).append(row)
        return [
            {
                "stage": stage,
                "count": totals.get(stage.pk, {}).get("n", 0),
                "total": totals.get(stage.pk, {}).get("total") or 0,
                "cards": by_stage.get(stage.pk, [])[:limit],
            }
            for stage in pipeline.stages.all()
        ]

    # -- the editor ------------------------------------------------------------------------
    def editor_pages(self) -> tuple[type[Any], type[Any]]:
        """The kit's pages of pipelines and of stages (list, create, detail, edit, delete):
        ``(PipelinePages, StagePages)``, the same classes at every call."""
        return _editor_pages(self)


@atomic_write
def _stage_move(
    spec: Pipelines,
    membership: Membership,
    obj: Any,
    stage: Any,
    codename: str,
    reopen: str,
    changes: Any,
    check: Any,
    derive: Any,
    undo: bool,
) -> Any:
    current = row_lock(type(obj), pk=obj.pk, tenant_id=membership.tenant_id)
    if stage.tenant_id != membership.tenant_id or stage.pipeline_id != current.pipeline_id:
        raise ValidationError(extra={"fields": {"stage": [_("Choose a stage of this pipeline.")]}})
    old = spec._stages(membership.tenant_id).get(pk=current.stage_id)
    if old.pk == stage.pk:
        return None
    policy.require(membership, codename, current)
    if old.is_final and not undo:
        if stage.is_final:
            raise InvalidTransition(
                _("%(old)s is final: it cannot go to %(new)s; reopen it first.")
                % {"old": old.name, "new": stage.name}
            )
        policy.require(membership, reopen, current)
    more = changes(current, stage) if callable(changes) else dict(changes)
    values: dict[str, Any] = {"stage": stage, **more}
    if any(f.name == "closed_at" for f in type(obj)._meta.fields):
        values["closed_at"] = timezone.now() if stage.is_final else None

    def checked(row: Any, changed: frozenset[str]) -> None:
        errors = required_field_errors(row, row.stage) if "stage" in changed else {}
        if check is not None:
            try:
                check(row, changed)
            except ValidationError as exc:
                errors = {**exc.extra.get("fields", {}), **errors}
        if errors:
            raise ValidationError(extra={"fields": errors})

    record_update(
        membership=membership,
        obj=obj,
        codename=codename,
        changes=values,
        check=checked,
        derive=derive,
    )
    if spec.timeline is not None:
        spec.timeline.add(
            membership=membership,
            obj=obj,
            kind=spec.move_kind,
            body=_("%(old)s → %(new)s") % {"old": old.name, "new": stage.name},
            data={"from": old.pk, "to": stage.pk, "undo": undo},
        )
    return old


class DealDetailView(RecordDetailView):
    """The kit's detail of a record in a pipeline, with what its page offers: the latest
    entries of its timeline and the quick entry form, the stages of its pipeline to move to,
    the reasons to lose it, whether the member may change it, whether it is won and whether a
    conversion is offered."""

    pipelines: Pipelines
    #: A ``kit.reference_lists.ReferenceList`` of the reasons a record is lost.
    lost_reasons: Any = None
    #: A ``kit.conversions.Conversion`` the won record offers.
    conversion: Any = None
    timeline_size = 50

    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        timeline = self.pipelines.timeline
        stages = self.pipelines._stages(obj.tenant_id).filter(pipeline_id=obj.pipeline_id)
        reasons, change = self.lost_reasons, self.entity.codenames.change
        return {
            **super().context(obj),
            "activities": timeline.entries(obj)[: self.timeline_size] if timeline else [],
            "activity_form": timeline.form() if timeline else None,
            "stages": stages,
            "lost_reasons": reasons.list(tenant_id=obj.tenant_id) if reasons else [],
            "may_change": bool(change) and policy.can(membership, change or "", obj),
            "is_won": obj.stage.kind == StageKind.WON,
            "may_convert": bool(self.conversion and self.conversion.offered(obj)),
        }


# -- the editor: entities, forms, services --------------------------------------------------
PIPELINE_COLUMNS = (
    Number("id", table=False, detail=False),
    Text("name", link=True, detail=False),
)
STAGE_COLUMNS = (
    Number("id", table=False, detail=False),
    Text("name", link=True, detail=False),
    Text("pipeline_name", gettext_lazy("Pipeline"), source="pipeline__name"),
    Number("position"),
    Choice("kind"),
)


def _entity(
    spec: Pipelines, model: type[models.Model], columns: Any, stage: bool = False
) -> Entity:
    rows = RowSpec(
        model,
        columns=list(columns),
        sorts={"name": "name", **({"position": "position"} if stage else {})},
        default_sort="position" if stage else "name",
    )
    code = spec.codename
    extra: dict[str, Any] = {}
    if stage:
        extra = {
            "related": ("pipeline",),
            "create": lambda *, membership, **data: stage_save(spec, membership, None, data),
            "update": lambda *, membership, stage, **data: stage_save(
                spec, membership, stage, data
            ),
        }
    else:
        extra = {"create": lambda *, membership, **data: pipeline_create(spec, membership, data)}
    return Entity(
        model=model,
        rows=rows,
        codenames=Codenames(view=spec.view_codename, add=code, change=code, delete=code),
        **extra,
    )


@atomic_write
def pipeline_create(spec: Pipelines, membership: Membership, data: Mapping[str, Any]) -> Any:
    """A new pipeline with an open, a won and a lost stage to start from."""
    pipeline = record_create(
        membership=membership, obj=spec.pipeline_model(**data), codename=spec.codename
    )
    for position, (name, kind) in enumerate(
        ((_("New"), StageKind.OPEN), (_("Won"), StageKind.WON), (_("Lost"), StageKind.LOST))
    ):
        stage = spec.stage_model(pipeline=pipeline, name=name, position=position, kind=kind)  # type: ignore[misc]
        record_create(membership=membership, obj=stage, codename=spec.codename)
    return pipeline


@atomic_write
def stage_save(spec: Pipelines, membership: Membership, stage: Any, data: Mapping[str, Any]) -> Any:
    """Create or change a stage; the other stages of its pipeline make room at its position
    (each renumbered, audited), so positions stay 0, 1, 2… in order."""
    data = dict(data)
    wanted = data.pop("position", None)
    if stage is None:
        stage = record_create(
            membership=membership,
            obj=spec.stage_model(position=10_000, **data),
            codename=spec.codename,
        )
        wanted = stage.pipeline.stages.count() - 1 if wanted is None else wanted
    elif data:
        record_update(membership=membership, obj=stage, codename=spec.codename, changes=data)
    if wanted is None:
        return stage
    others = [
        s
        for s in spec._stages(membership.tenant_id)
        .filter(pipeline_id=stage.pipeline_id)
        .order_by("position", "pk")
        if s.pk != stage.pk
    ]
    others.insert(max(0, min(int(wanted), len(others))), stage)
    for position, row in enumerate(others):
        if row.position != position:
            record_update(
                membership=membership,
                obj=row,
                codename=spec.codename,
                changes={"position": position},
            )
    stage.refresh_from_db()
    return stage


@functools.cache
def _editor_pages(spec: Pipelines) -> tuple[type[Any], type[Any]]:
    from .views import ListPage, Pages

    made = []
    for model, entity, form, icon in (
        (
            spec.pipeline_model,
            _entity(spec, spec.pipeline_model, PIPELINE_COLUMNS),
            PipelineForm,
            "diagram-3",
        ),
        (
            spec.stage_model,
            _entity(spec, spec.stage_model, STAGE_COLUMNS, stage=True),
            StageForm,
            "layout-three-columns",
        ),
    ):
        meta = model._meta
        page = ListPage(
            f"{meta.model_name}_list",
            "",
            codename=spec.view_codename,
            heading=meta.verbose_name_plural or meta.model_name or "",
            icon=icon,
        )
        form_class = type(form.__name__, (form,), {"pipelines": spec})
        attrs = {
            "entity": entity,
            "form_class": form_class,
            "lists": (page,),
            "__module__": __name__,
        }
        made.append(type(f"{model.__name__}Pages", (Pages,), attrs))
    return made[0], made[1]


class PipelineForm(RecordForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)


class StageForm(RecordForm):
    pipelines: Pipelines
    pipeline: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Pipeline"), queryset=None
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    position = forms.IntegerField(
        label=gettext_lazy("Position"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=gettext_lazy("0 is the first column; the others make room."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=StageKind.choices)
    required_fields = forms.MultipleChoiceField(
        label=gettext_lazy("Required to enter"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, data: Any = None, *args: Any, membership: Any, instance: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(data, *args, membership=membership, instance=instance, **kwargs)
        self.instance = instance
        pipeline: Any = self.fields["pipeline"]
        pipeline.queryset = self.pipelines._pipelines(membership.tenant_id)
        required: Any = self.fields["required_fields"]
        required.choices = _requirable(self.pipelines.record_model)
        if instance is not None:
            pipeline.disabled = True  # a stage stays in its pipeline: records stand in it

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance is not None:
            data.pop("pipeline", None)
        return data


def _requirable(model: type[models.Model] | None) -> list[tuple[str, Any]]:
    """The record's fields a member fills and a stage may require (editable, may be empty)."""
    if model is None:
        return []
    return [
        (f.name, str(f.verbose_name).capitalize())
        for f in model._meta.fields
        if f.editable and (f.blank or f.null) and not f.primary_key and f.name != "tenant"
    ]


# -- the API --------------------------------------------------------------------------------
class PipelineViewSet(viewsets.ReadOnlyModelViewSet):
    """A module's pipelines and their ordered stages (``pipelines``: the declaration)."""

    pipelines: Pipelines

    def get_serializer_class(self) -> Any:
        return _serializer(self.pipelines)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.pipelines.pipeline_model._default_manager.unscoped().none()
        return self.pipelines.list(membership=self.request.membership)  # type: ignore[attr-defined]

    def get_object(self) -> Any:
        return self.pipelines.get_for(membership=self.request.membership, pk=self.kwargs["pk"])  # type: ignore[attr-defined]


STAGE_FIELDS = ["id", "name", "position", "kind", "required_fields"]
PIPELINE_FIELDS = ["id", "name", "is_default", "stages"]


@functools.cache
def _serializer(spec: Pipelines) -> type[serializers.Serializer]:
    """A pipeline with its stages, as the API answers it (one class per declaration)."""
    name = spec.pipeline_model.__name__
    stage = type(
        f"{spec.stage_model.__name__}Serializer",
        (serializers.ModelSerializer,),
        {"Meta": type("Meta", (), {"model": spec.stage_model, "fields": STAGE_FIELDS})},
    )
    return type(
        f"{name}Serializer",
        (serializers.ModelSerializer,),
        {
            "stages": stage(many=True, read_only=True),
            "Meta": type("Meta", (), {"model": spec.pipeline_model, "fields": PIPELINE_FIELDS}),
        },
    )


# -- the board's pages ---------------------------------------------------------------------
@dataclass(frozen=True)
class Board:
    """The pipeline board of an entity's records, and their moves (drag, or keyboard through
    htmx: each card's form), each of which the member can undo::

        LEAD_BOARD = Board(pipelines=PIPELINES, entity=LEADS, move=lead_move, undo=lead_move_undo,
                           extra={"lost_reason": LostReason}, move_fields="leads/_move.html")
        path("board/", LEAD_BOARD.view, name="lead_board"),
        path("<int:pk>/move/", LEAD_BOARD.move_view, name="lead_move"),

    ``move(membership=, <record>=, stage=, **extra)``: the module's move service; *extra*
    names the tenant's records a move may carry (the POST's ids, looked up in the tenant)."""

    pipelines: Pipelines
    entity: Entity
    move: Callable[..., Any]
    undo: Callable[..., Any]
    extra: Mapping[str, type[models.Model]] = field(default_factory=dict)
    #: A template of more fields in each card's move form (context: ``extra``).
    move_fields: str | None = None
    template: str = "kit/board.html"
    partial_template: str = "kit/_board.html"

    def _url(self, page: str) -> str:
        meta = self.entity.model._meta
        return f"{meta.app_label}:{meta.model_name}_{page}"

    @property
    def view(self) -> Callable[..., HttpResponse]:
        return membership_required(self._board)

    @property
    def move_view(self) -> Callable[..., HttpResponse]:
        return require_POST(membership_required(self._move))

    def _lookup(self, model: type[models.Model], tenant_id: int, value: Any) -> Any:
        text = str(value or "")
        manager: Any = model._default_manager
        return (
            manager.for_tenant(tenant_id).filter(pk=int(text)).first() if text.isdigit() else None
        )

    def _board(self, request: HttpRequest) -> HttpResponse:
        membership = request.membership  # type: ignore[attr-defined]
        policy.require(membership, self.entity.codenames.view)
        pipelines = list(self.pipelines.list(membership=membership))
        wanted = request.GET.get("pipeline", "")
        pipeline = next((p for p in pipelines if str(p.pk) == wanted), None)
        pipeline = pipeline or (pipelines[0] if pipelines else None)
        columns = (
            self.pipelines.board(
                records=self.entity.records(membership), pipeline=pipeline, rows=self.entity.rows
            )
            if pipeline is not None
            else []
        )
        extra = {
            name: model._default_manager.for_tenant(membership.tenant_id)  # type: ignore[attr-defined]
            for name, model in self.extra.items()
        }
        partial = request.headers.get("HX-Request") == "true"
        context = {
            "pipeline": pipeline,
            "pipelines": pipelines,
            "columns": columns,
            "extra": extra,
            "partial": partial,
            "move_fields": self.move_fields,
            "board_url": self._url("board"),
            "move_url": self._url("move"),
            "detail_url": self._url("detail"),
            "heading": self.entity.verbose_name_plural,
            "testid": self.entity.name,
        }
        return render(request, self.partial_template if partial else self.template, context)

    def _move(self, request: HttpRequest, pk: int) -> HttpResponse:
        membership = request.membership  # type: ignore[attr-defined]
        obj = self.entity.record(membership, pk)
        name = self.entity.name
        try:
            if request.POST.get("undo"):
                self.undo(membership=membership, **{name: obj})
                messages.success(request, _("Move undone."))
            else:
                stage = self._lookup(
                    self.pipelines.stage_model, membership.tenant_id, request.POST.get("stage")
                )
                if stage is None:
                    raise ValidationError(extra={"fields": {"stage": [_("Choose a stage.")]}})
                extra = {
                    key: self._lookup(model, membership.tenant_id, request.POST.get(key))
                    for key, model in self.extra.items()
                }
                self.move(membership=membership, **{name: obj}, stage=stage, **extra)
                done = _("%(record)s moved to %(stage)s.") % {"record": obj, "stage": stage}
                messages.success(request, done)
        except (ValidationError, InvalidTransition) as exc:
            fields = exc.extra.get("fields") if isinstance(exc, ValidationError) else None
            messages.error(
                request, " ".join(m for ms in (fields or {}).values() for m in ms) or exc.message
            )
        if request.headers.get("HX-Request"):
            request.method = "GET"
            return self._board(request)
        wanted = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
            wanted = reverse(self._url("detail"), args=[obj.pk])
        return redirect(wanted)

    def api_action(self) -> Any:
        """A viewset's ``POST …/<pk>/move/`` ``{"stage": id, <extra>: id}``: the move service;
        answers the record moved."""
        board = self
        fields: dict[str, Any] = {
            "stage": TenantRelatedField(
                self.pipelines.stage_model,
                help_text=gettext_lazy("Id of a stage of the record's pipeline."),
            ),
            **{
                key: TenantRelatedField(model, required=False, allow_null=True)
                for key, model in self.extra.items()
            },
            "__module__": __name__,
        }
        body = type(
            f"{self.entity.model.__name__}MoveSerializer", (serializers.Serializer,), fields
        )

        @extend_schema(request=body, summary="Move to a stage of its pipeline")
        @action(detail=True, methods=["post"])
        def move(view: Any, request: Any, pk: Any = None) -> Response:
            obj = view.get_object()
            data = body(data=request.data, context=view.get_serializer_context())
            data.is_valid(raise_exception=True)
            name = board.entity.name
            board.move(membership=request.membership, **{name: obj}, **data.validated_data)
            return view._answer(obj)

        return move


# -- list filters ---------------------------------------------------------------------------
class StageFilter(django_filters.ModelChoiceFilter):
    """``?stage=<id>``: the stages of the member's tenant (every pipeline's); *stage_model*
    left out, the model the filtered records' ``stage`` points to."""

    def __init__(
        self, stage_model: type[models.Model] | None = None, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stage_model = stage_model

    def get_queryset(self, request: Any) -> Any:
        stage_model = self.stage_model or self.model._meta.get_field(self.field_name).related_model
        manager: Any = stage_model._default_manager
        membership = getattr(request, "membership", None)
        if membership is None:
            return manager.unscoped().none()
        return manager.for_tenant(membership.tenant_id).select_related("pipeline")


class DueFilter(django_filters.BooleanFilter):
    """``?due=true``: open records whose date (``field_name``) is today or past; ``false``:
    the others."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        choices = [
            ("", gettext_lazy("Any")),
            ("true", gettext_lazy("Due")),
            ("false", gettext_lazy("Not due")),
        ]
        kwargs.setdefault("widget", forms.Select(choices=choices))
        super().__init__(*args, **kwargs)

    def filter(self, qs: Any, value: Any) -> Any:
        if value is None:
            return qs
        due = {f"{self.field_name}__lte": timezone.localdate(), "stage__kind": StageKind.OPEN}
        return qs.filter(**due) if value else qs.exclude(**due)
