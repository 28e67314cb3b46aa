"""Leads API: ``/api/v1/leads/`` (the kit's viewset over LEADS) with moves, activities, merge
and import; ``/api/v1/pipelines/`` and ``/api/v1/lead-forms/``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.api.schema import ErrorSerializer
from opsbase.kernel.policy import policy
from opsbase.kit.api import TenantModelViewSet
from opsbase.kit.pipelines import PipelineViewSet as KitPipelineViewSet
from opsbase.kit.public_forms import PublicFormViewSet
from opsbase.kit.scoring import ScoringView

from .constants import MERGE
from .declarations import LEAD_FORMS, LEAD_TIMELINE, PIPELINES, SCORING
from .entity import LEADS
from .selectors import lead_merge_get
from .serializers import (
    AssignSerializer,
    ConvertSerializer,
    FollowUpSerializer,
    LeadFormSerializer,
    LeadSerializer,
    MergeResultSerializer,
    MergeSerializer,
    MoveSerializer,
)
from .services import (
    lead_assign,
    lead_convert,
    lead_follow_up,
    lead_merge,
    lead_merge_undo,
    lead_move,
)
from .views import LeadPages


class LeadViewSet(TenantModelViewSet):
    """Leads of the caller's organization: a User's own, every one for Admin and Manager."""

    entity = LEADS
    serializer_class = LeadSerializer
    import_pages = LeadPages
    example = {
        "id": 12,
        "name": "Ada Park",
        "company": "Initech",
        "email": "ada@initech.test",
        "stage": 3,
        "stage_name": "Qualified",
        "source": "web_form",
        "score": 45,
    }
    create_example = {
        "name": "Ada Park",
        "company": "Initech",
        "email": "ada@initech.test",
        "value": "12000.00",
        "currency": "EUR",
    }
    docs = {
        "list": {
            "description": "Filters: `stage`, `owner`, `source`, `due`, `score_min`, "
            "`score_max`, `q` (name, company, e-mail, phone); `ordering`."
        }
    }

    @extend_schema(request=MoveSerializer, summary="Move a lead to a stage of its pipeline")
    @action(detail=True, methods=["post"])
    def move(self, request: Any, pk: Any = None) -> Response:
        lead = self.get_object()
        data = MoveSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        lead = lead_move(membership=request.membership, lead=lead, **data.validated_data)
        return self._answer(lead)

    activities = LEAD_TIMELINE.api_action()

    @extend_schema(
        request=AssignSerializer,
        responses={200: AssignSerializer, 404: ErrorSerializer},
        summary="Give many leads to one owner (all or nothing)",
    )
    @action(detail=False, methods=["post"])
    def assign(self, request: Any) -> Response:
        data = AssignSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        membership = request.membership
        leads = [LEADS.record(membership, pk) for pk in data.validated_data["leads"]]
        changed = lead_assign(
            membership=membership, leads=leads, owner=data.validated_data["owner"]
        )
        return Response({**data.data, "changed": changed})

    @extend_schema(
        request=MergeSerializer,
        responses={200: MergeResultSerializer, 404: ErrorSerializer},
        summary="Merge two leads (undo: merge/{id}/undo/)",
    )
    @action(detail=False, methods=["post"])
    def merge(self, request: Any) -> Response:
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = request.membership
        policy.require(membership, MERGE)
        keep = LEADS.record(membership, data.validated_data["keep"])
        merged = LEADS.record(membership, data.validated_data["merge"])
        record = lead_merge(
            membership=membership, keep=keep, merge=merged, fields=data.validated_data.get("fields")
        )
        answer = self._answer(keep).data
        return Response({"merge": record.pk, "lead": answer})

    @extend_schema(
        request=None,
        responses={200: ConvertSerializer, 404: ErrorSerializer},
        summary="Make a customer of a won lead (404 without the customers module)",
    )
    @action(detail=True, methods=["post"])
    def convert(self, request: Any, pk: Any = None) -> Response:
        ref = lead_convert(membership=request.membership, lead=self.get_object())
        return Response({"customer": ref})

    @extend_schema(
        request=FollowUpSerializer,
        responses={201: FollowUpSerializer},
        summary="A follow-up task for a won lead",
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Any, pk: Any = None) -> Response:
        lead = self.get_object()
        data = FollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = lead_follow_up(membership=request.membership, lead=lead, **data.validated_data)
        return Response({**data.data, "task": task.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, summary="Undo a merge: both leads as they were")
    @action(detail=False, methods=["post"], url_path=r"merge/(?P<merge_id>\d+)/undo")
    def merge_undo(self, request: Any, merge_id: Any = None) -> Response:
        membership = request.membership
        record = lead_merge_get(membership=membership, pk=merge_id)
        kept = lead_merge_undo(membership=membership, merge=record)
        return self._answer(kept)


class LeadScoringView(ScoringView):
    """The organization's scoring rules: each rule's points (``PATCH`` some; Admin and
    Manager). Open leads are rescored at once."""

    scoring = SCORING


class PipelineViewSet(KitPipelineViewSet):
    """The organization's pipelines and their ordered stages."""

    pipelines = PIPELINES


class LeadFormViewSet(PublicFormViewSet):
    """Public web-to-lead forms (``/w/<public_key>/``); Admins and Managers make them."""

    forms = LEAD_FORMS
    serializer_class = LeadFormSerializer
