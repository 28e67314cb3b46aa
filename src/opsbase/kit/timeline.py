"""A record's timeline: calls, e-mails, meetings, notes and the system's own entries (a stage
change), newest first, declared once::

    class Activity(TimelineEntryBase):
        lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities")
        kind = models.CharField(_("kind"), max_length=8, choices=ActivityKind.choices)

    LEAD_TIMELINE = Timeline(
        model=Activity, record_field="lead", codename=CHANGE, add_codename=ADD,
        system_kinds=(ActivityKind.STAGE,), touched=lambda lead: SCORING.rescore(lead),
    )

``add`` writes an entry (the member must be allowed to change the record; audited) and sets
the record's ``last_activity_at``, then calls ``touched``; ``entries`` reads the timeline
with its authors; ``form`` and ``serializer`` offer the kinds a member may enter (not the
system's); ``add_view`` is the detail page's quick entry and ``api_action()`` the viewset's
``GET/POST …/<pk>/activities/``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.core.models import TenantOwnedModel
from opsbase.core.writes import atomic_write
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.web.decorators import membership_required

from .services import record_create

__all__ = ["Timeline", "TimelineEntryBase"]


class TimelineEntryBase(TenantOwnedModel):
    """What happened (the concrete model adds its record's key and its ``kind`` choices)."""

    body = models.TextField(gettext_lazy("what happened"), blank=True)
    author = models.ForeignKey(
        "tenants.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: The system's details of an entry (a stage change's stages, for its undo).
    data = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        # A concrete ``class Meta(TimelineEntryBase.Meta)`` inherits the order: newest first.
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.body[:40]}"  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Timeline:
    """A record's timeline (see the module docstring)."""

    model: type[TimelineEntryBase]
    record_field: str
    #: The right on the record an entry needs, and the codename its audit event is under.
    codename: str
    add_codename: str
    system_kinds: Sequence[str] = ()
    touched: Callable[[Any], Any] | None = None

    @property
    def kinds(self) -> list[tuple[str, Any]]:
        """The kinds a member enters (the system's left out)."""
        field: Any = self.model._meta.get_field("kind")  # type: ignore[misc]
        return [c for c in field.choices if c[0] not in self.system_kinds]

    def entries(self, obj: Any) -> QuerySet[Any]:
        """*obj*'s timeline, newest first, authors joined."""
        manager: Any = self.model._default_manager
        rows = manager.for_tenant(obj.tenant_id).filter(**{self.record_field: obj})
        return rows.select_related("author__user")

    def last(self, obj: Any, kind: str) -> Any:
        """*obj*'s newest entry of *kind*, or None."""
        return self.entries(obj).filter(kind=kind).order_by("-created_at", "-pk").first()

    def add(
        self, *, membership: Membership, obj: Any, kind: str, body: str = "", data: Any = None
    ) -> Any:
        """An entry on *obj*'s timeline (needs the right to change it; audited)."""
        return _add(self, membership, obj, kind, body, data)

    @property
    def form(self) -> type[forms.Form]:
        return _form(self)

    @property
    def serializer(self) -> type[serializers.ModelSerializer]:
        return _serializer(self)

    def add_view(self, entity: Any) -> Callable[..., HttpResponse]:
        """The detail page's quick entry: ``POST <pk>/activities/`` (kind, body)."""

        @require_POST
        @membership_required
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            membership = request.membership  # type: ignore[attr-defined]
            obj = entity.record(membership, pk)
            policy.require(membership, self.codename, obj)
            form = self.form(request.POST)
            if form.is_valid():
                self.add(membership=membership, obj=obj, **form.cleaned_data)
                messages.success(request, _("Activity added."))
            else:
                messages.error(request, _("Say what happened."))
            return redirect(obj.get_absolute_url())

        return view

    def api_action(self) -> Any:
        """A viewset's ``activities`` action: the timeline (GET) or a new entry (POST)."""
        timeline = self

        @extend_schema(
            request=self.serializer,
            responses=self.serializer(many=True),
            summary="The timeline (GET) or a new entry on it (POST)",
        )
        @action(detail=True, methods=["get", "post"])
        def activities(view: Any, request: Any, pk: Any = None) -> Response:
            obj = view.get_object()
            if request.method == "GET":
                return Response(timeline.serializer(timeline.entries(obj), many=True).data)
            policy.require(request.membership, timeline.codename, obj)
            data = timeline.serializer(data=request.data)
            data.is_valid(raise_exception=True)
            entry = timeline.add(membership=request.membership, obj=obj, **data.validated_data)
            return Response(timeline.serializer(entry).data, status=status.HTTP_201_CREATED)

        return activities


@atomic_write
def _add(
    timeline: Timeline, membership: Membership, obj: Any, kind: str, body: str, data: Any
) -> Any:
    policy.require(membership, timeline.codename, obj)
    model: Any = timeline.model
    entry: Any = model(kind=kind, body=body or "", author=membership)
    setattr(entry, timeline.record_field, obj)
    if data:
        entry.data = data
    record_create(membership=membership, obj=entry, codename=timeline.add_codename)
    if any(f.name == "last_activity_at" for f in type(obj)._meta.fields):
        obj.last_activity_at = entry.created_at
        manager: Any = type(obj)._default_manager
        manager.for_tenant(obj.tenant_id).filter(pk=obj.pk).update(
            last_activity_at=entry.created_at
        )
    if timeline.touched is not None:
        timeline.touched(obj)
    return entry


@functools.cache
def _form(timeline: Timeline) -> type[forms.Form]:
    fields = {
        "kind": forms.ChoiceField(label=gettext_lazy("Kind"), choices=timeline.kinds),
        "body": forms.CharField(
            label=gettext_lazy("What happened"), widget=forms.Textarea(attrs={"rows": 2})
        ),
    }
    return type(f"{timeline.model.__name__}Form", (forms.Form,), fields)


@functools.cache
def _serializer(timeline: Timeline) -> type[serializers.ModelSerializer]:
    meta = type(
        "Meta",
        (),
        {
            "model": timeline.model,
            "fields": ["id", "kind", "body", "author_email", "created_at"],
            "read_only_fields": ["id", "created_at"],
        },
    )
    attrs = {
        "Meta": meta,
        "kind": serializers.ChoiceField(choices=timeline.kinds),
        "author_email": serializers.EmailField(
            source="author.user.email", read_only=True, allow_null=True
        ),
        "__module__": __name__,
    }
    return type(f"{timeline.model.__name__}Serializer", (serializers.ModelSerializer,), attrs)
