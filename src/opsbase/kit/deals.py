"""Deals: the writes of a module's records that move through a pipeline, declared once::

    LEAD_WRITES = Deals(
        model=Lead, pipelines=PIPELINES, add=ADD, change=CHANGE, reopen=REOPEN,
        editable=EDITABLE_FIELDS, scoring=SCORING,
        candidates=lambda tenant_id: Lead.objects.for_tenant(tenant_id).filter(merged_into=None),
    )

* ``create``: a new record placed in its pipeline's first stage (or the one given), owned by
  the given member or the creator, its likely duplicate flagged (never refused);
* ``create_many``: many at once (an import), all or nothing, the duplicates read once;
* ``update``: its fields (refusing any other keyword), no owner meaning the member changing it;
* ``move`` and ``undo``: the pipeline's moves (``Pipelines.move``), the lost field and the
  analytics included;

each checked by the pipeline (its stage, the stage's required fields, the related records'
tenant), with what follows from the fields derived and saved with them: the phone as E.164
(a ``kit.duplicates.ContactBase``) and the score (the declared ``kit.scoring.Scoring``).
The module's services call them, adding only their own business (an analytics event...),
or are them (``lead_update = record_service("lead_update", LEAD_WRITES.update, "lead")``:
``kit.services.record_service`` takes the record as ``lead=``).

``DealForm`` is the page form of the fields of ``ContactBase`` and ``DealBase``; a module's
form adds its own (``field_order`` placing them), ``DealSerializer`` the API's input of the
same (a module's serializer declares ``Meta.model``, ``rows`` and ``inputs``).
``contact_columns``, ``stage_columns``, ``deal_columns`` and ``lost_reason_column`` are
their columns, for the module's row specification; ``CONTACT_FIELDS`` and ``DEAL_FIELDS``
(``kit.deal_constants``) the fields a member sets. ``DealFilter`` is the base of the
module's list filters (search, stage, owner, follow-up due, score range), its ``Meta``
naming the model and every filter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from opsbase.core.writes import atomic_write
from opsbase.kernel.tenants.models import Membership

from .api import MemberField, RecordSerializer
from .deal_constants import CONTACT_FIELDS, DEAL_FIELDS
from .duplicates import ContactBase, duplicate_find, duplicate_index, phone_e164
from .forms import MemberChoiceField, MemberChoiceFilter, RecordForm, SearchFilter
from .pipelines import DueFilter, Pipelines, StageFilter
from .rows import Column, Date, Money, Number, Person, Text
from .services import fields_allowed, record_create, record_create_many, record_update

__all__ = [
    "CONTACT_FIELDS",
    "DEAL_FIELDS",
    "DealFilter",
    "DealForm",
    "DealSerializer",
    "Deals",
    "contact_columns",
    "deal_columns",
    "lost_reason_column",
    "stage_columns",
]


@dataclass(frozen=True)
class Deals:
    """The writes of *model*'s records in *pipelines* (see the module docstring)."""

    model: type[models.Model]
    pipelines: Pipelines
    #: The rights to create, to change and move, and to move out of a final stage.
    add: str
    change: str
    reopen: str
    #: The fields a member sets: ``create`` and ``update`` refuse any other (``TypeError``).
    editable: Sequence[str]
    #: A ``kit.scoring.Scoring``: every write rescores the record.
    scoring: Any = None
    #: The records of a tenant a new one may duplicate; None: no duplicate is looked for.
    candidates: Callable[[int], QuerySet[Any]] | None = None
    owner: str = "owner"

    def _name(self, verb: str) -> str:
        return f"{self.model._meta.model_name}_{verb}"

    def _check(self, membership: Membership) -> Callable[[Any, Any], None]:
        return self.pipelines.check(membership.tenant_id)

    def derived(
        self, obj: Any, changed: frozenset[str] = frozenset(), rules: Any = None
    ) -> dict[str, Any]:
        """What follows from *obj*'s fields (a write's ``derive``): its phone as E.164 and its
        score (with the tenant's *rules*, read once by the caller, when given)."""
        # Returned, not set on *obj*: ``record_update`` saves only the values that differ.
        derived: dict[str, Any] = {}
        if isinstance(obj, ContactBase):
            derived["phone_e164"] = phone_e164(obj.phone)
        if self.scoring is not None:
            derived.update(self.scoring.derived(obj, rules))
        return derived

    @atomic_write
    def create(
        self,
        *,
        membership: Membership,
        pipeline: Any = None,
        stage: Any = None,
        owner: Membership | None = None,
        **fields: Any,
    ) -> Any:
        """A new record in *stage*, else the first stage of *pipeline* (else of the default
        one), owned by *owner* or the creator; its likely duplicate flagged."""
        fields_allowed(fields, self.editable, self._name("create"))
        values = {k: v for k, v in fields.items() if v is not None}
        obj = self.model(**{**values, self.owner: owner or membership})
        self.pipelines.place(obj, tenant_id=membership.tenant_id, pipeline=pipeline, stage=stage)
        obj.tenant_id = membership.tenant_id  # type: ignore[attr-defined]  # tenant-owned
        candidates = self.candidates

        def derive(row: Any, changed: frozenset[str]) -> dict[str, Any]:
            derived = self.derived(row, changed)
            if candidates is not None:
                _assign(row, derived)  # the phone first: duplicates compare it
                derived["duplicate_of"] = duplicate_find(row, candidates(row.tenant_id))
            return derived

        return record_create(
            membership=membership,
            obj=obj,
            codename=self.add,
            check=self._check(membership),
            derive=derive,
        )

    @atomic_write
    def create_many(self, *, membership: Membership, rows: list[dict[str, Any]]) -> list[Any]:
        """Many new records at once (an import) in the default pipeline's first stage, each
        as ``create`` makes it; all or nothing (``RowsInvalid``)."""
        tenant_id = membership.tenant_id
        pipeline = self.pipelines.default(tenant_id=tenant_id)
        stage = self.pipelines.first_stage(pipeline)
        rules = self.scoring.points(tenant_id) if self.scoring is not None else None
        duplicates = duplicate_index(self.candidates(tenant_id)) if self.candidates else None
        objs = []
        for row in rows:
            values = {k: v for k, v in row.items() if v is not None}
            values[self.owner] = values.get(self.owner) or membership
            objs.append(self.model(pipeline=pipeline, stage=stage, **values))

        def derive(obj: Any, changed: frozenset[str]) -> dict[str, Any]:
            derived = self.derived(obj, changed, rules)
            if duplicates is not None:
                _assign(obj, derived)  # the phone first: duplicates compare it
                derived["duplicate_of_id"] = duplicates(obj)
            return derived

        return record_create_many(
            membership=membership,
            objs=objs,
            codename=self.add,
            check=self._check(membership),
            derive=derive,
        )

    @atomic_write
    def update(self, *, membership: Membership, obj: Any, **changes: Any) -> Any:
        """Change fields of *obj* (not its stage: ``move``); no owner means the member
        changing it (a record always has one: a User's own stay theirs to see)."""
        fields_allowed(changes, self.editable, self._name("update"))
        if self.owner in changes and changes[self.owner] is None:
            changes[self.owner] = membership
        return record_update(
            membership=membership,
            obj=obj,
            codename=self.change,
            changes=changes,
            check=self._check(membership),
            derive=self.derived,
        )

    @atomic_write
    def move(
        self,
        *,
        membership: Membership,
        obj: Any,
        stage: Any,
        lost: Any = None,
        undo: bool = False,
    ) -> Any:
        """Move *obj* to *stage* of its pipeline (``Pipelines.move``: the final stages, the
        required fields, the *lost* field, the timeline, the analytics); *obj*."""
        self.pipelines.move(
            membership=membership,
            obj=obj,
            stage=stage,
            codename=self.change,
            reopen=self.reopen,
            lost=lost,
            check=self._check(membership),
            derive=self.derived,
            undo=undo,
        )
        return obj

    @atomic_write
    def undo(self, *, membership: Membership, obj: Any) -> Any:
        """Undo the member's own last move of *obj* (back to the stage it left); *obj*."""

        def back(stage: Any) -> Any:
            return self.move(membership=membership, obj=obj, stage=stage, undo=True)

        return self.pipelines.undo(membership=membership, obj=obj, move=back)


def _assign(obj: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(obj, name, value)


class DealForm(RecordForm):
    """The fields a member sets of a ``ContactBase`` and ``DealBase`` record: the person and
    their company, the estimated value and its currency, the owner (none: the member), the
    next follow-up."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    company = forms.CharField(label=gettext_lazy("Company"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    value = forms.DecimalField(
        label=gettext_lazy("Estimated value"),
        max_digits=12,
        decimal_places=2,
        required=False,
        min_value=0,
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency"), min_length=3, max_length=3, initial="EUR"
    )
    owner = MemberChoiceField(
        label=gettext_lazy("Owner"), queryset=None, required=False, empty_label=gettext_lazy("Me")
    )
    follow_up = forms.DateField(
        label=gettext_lazy("Next follow-up"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).upper()


class DealFilter(django_filters.FilterSet):
    """The filters of a list of deals, shared by its pages and API (``?q=&stage=&owner=&due=
    &score_min=&score_max=``); a module's subclass adds its own and lists them all, in their
    order, in its ``Meta.fields`` (with ``Meta.model``)."""

    q = SearchFilter(label=gettext_lazy("Search"))
    stage = StageFilter(label=gettext_lazy("Stage"), empty_label=gettext_lazy("Any stage"))
    owner = MemberChoiceFilter(label=gettext_lazy("Owner"), empty_label=gettext_lazy("Anyone"))
    due = DueFilter(label=gettext_lazy("Follow-up due"), field_name="follow_up")
    score_min = django_filters.NumberFilter(
        label=gettext_lazy("Score from"), field_name="score", lookup_expr="gte"
    )
    score_max = django_filters.NumberFilter(
        label=gettext_lazy("Score up to"), field_name="score", lookup_expr="lte"
    )


class DealSerializer(RecordSerializer):
    """The API's input of a ``DealBase`` record's owner, value and currency."""

    owner = MemberField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Membership id of an active member, or null."),
    )

    class Meta:
        extra_kwargs = {"value": {"min_value": 0}, "currency": {"min_length": 3}}


def contact_columns() -> tuple[Column, ...]:
    """The columns of a ``ContactBase``: the name (the record's link), its company, e-mail and
    phone (these two on its page, not in the table)."""
    return (
        Text("name", link=True, detail=False),
        Text("company"),
        Text("email", table=False),
        Text("phone", table=False),
    )


def stage_columns() -> tuple[Column, ...]:
    """The stage's name, and the ids of the stage and the pipeline (for the API and the
    board's moves)."""
    return (
        Number("stage", source="stage_id", table=False, detail=False, csv=False),
        Text("stage_name", gettext_lazy("Stage"), source="stage__name"),
        Number("pipeline", source="pipeline_id", table=False, detail=False, csv=False),
    )


def deal_columns() -> tuple[Column, ...]:
    """The columns of a ``DealBase``: value and currency, owner, next follow-up."""
    return (
        Money("value", table_label=gettext_lazy("Value")),
        Text("currency", table=False),
        Person("owner", email_key="owner_email", empty=gettext_lazy("Nobody")),
        Date("follow_up", table_label=gettext_lazy("Follow-up")),
    )


def lost_reason_column(field: str = "lost_reason") -> Column:
    """The name of the reason a record was lost (its ``Pipelines.lost_field``, an entry of a
    ``kit.reference_lists`` list) as ``<field>_name``: on its page when it has one."""
    return Text(
        f"{field}_name",
        gettext_lazy("Lost reason"),
        source=f"{field}__name",
        table=False,
        hide_empty=True,
    )
