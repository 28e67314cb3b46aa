"""More actions of an entity's viewset, from what the module already declared::

    class LeadViewSet(TenantModelViewSet):
        entity = LEADS
        import_pages = LeadPages           # its MergePage offers merge and its undo
        merge = merge_action("lead")
        merge_undo = merge_undo_action()
        assign = assign_action(key="leads", field="owner")
        move = LEAD_BOARD.api_action()     # kit.pipelines

* ``POST …/merge/`` ``{"keep": id, "merge": id, "fields": {name: "keep" | "merge"}}``: the
  pages' ``MergePage.merge``; answers the merge's id and the record kept;
* ``POST …/merge/<id>/undo/``: ``MergePage.undo``; answers the record kept, as it was;
* ``POST …/assign/`` ``{"<key>": [ids], "owner": member id}``: every record given to one
  member through the entity's update service, each checked and audited; all or nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.api.schema import ErrorSerializer
from opsbase.core.exceptions import NotFound
from opsbase.core.writes import atomic_write
from opsbase.kernel.policy import policy

from .api import MemberField

__all__ = ["assign_action", "merge_action", "merge_undo_action", "records_assign"]


class MergeSerializer(serializers.Serializer):
    keep = serializers.IntegerField()
    merge = serializers.IntegerField()
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ChoiceField(choices=["keep", "merge"]), required=False
    )


def merge_action(name: str = "record") -> Any:
    """``POST …/merge/``: answers ``{"merge": id, "<name>": the record kept}``."""
    result = type(
        f"{name.capitalize()}MergeResultSerializer",
        (serializers.Serializer,),
        {
            "merge": serializers.IntegerField(help_text=_("The merge's id, to undo it.")),
            name: serializers.DictField(help_text=_("The record kept, as merged.")),
            "__module__": __name__,
        },
    )

    @extend_schema(
        request=MergeSerializer,
        responses={200: result, 404: ErrorSerializer},
        summary="Merge two records (undo: merge/{id}/undo/)",
    )
    @action(detail=False, methods=["post"])
    def merge(view: Any, request: Any) -> Response:
        terms = view.import_pages.merge
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = request.membership
        policy.require(membership, terms.codename)
        keep = view.entity.record(membership, data.validated_data["keep"])
        other = view.entity.record(membership, data.validated_data["merge"])
        fields = data.validated_data.get("fields")
        journal = terms.merge(membership=membership, keep=keep, merge=other, fields=fields)
        return Response({"merge": journal.pk, name: view._answer(keep).data})

    return merge


def merge_undo_action() -> Any:
    @extend_schema(request=None, summary="Undo a merge: both records as they were")
    @action(detail=False, methods=["post"], url_path=r"merge/(?P<merge_id>\d+)/undo")
    def merge_undo(view: Any, request: Any, merge_id: Any = None) -> Response:
        terms = view.import_pages.merge
        membership = request.membership
        journal = terms.journal.objects.for_tenant(membership.tenant_id).filter(pk=int(merge_id))
        if not journal.exists():
            raise NotFound()
        kept = terms.undo(membership=membership, merge=journal.get())
        return view._answer(kept)

    return merge_undo


@atomic_write
def records_assign(
    *, entity: Any, membership: Any, objs: list[Any], field: str, member: Any
) -> int:
    """Give every record of *objs* to *member* (its *field*) through the entity's update
    service, each checked and audited; all or nothing. How many changed hands."""
    changed = 0
    for obj in objs:
        changed += getattr(obj, f"{field}_id") != member.pk
        entity.update(membership=membership, **{entity.name: obj}, **{field: member})
    return changed


def assign_action(*, key: str, field: str) -> Any:
    """``POST …/assign/``: the records of ids *key* given to one member (their *field*)."""
    body = type(
        "AssignSerializer",
        (serializers.Serializer,),
        {
            key: serializers.ListField(
                child=serializers.IntegerField(), min_length=1, max_length=500
            ),
            "owner": MemberField(help_text=_("Membership id of the new owner.")),
            "changed": serializers.IntegerField(read_only=True),
            "__module__": __name__,
        },
    )

    @extend_schema(
        request=body,
        responses={200: body, 404: ErrorSerializer},
        summary="Give many records to one member (all or nothing)",
    )
    @action(detail=False, methods=["post"])
    def assign(view: Any, request: Any) -> Response:
        data = body(data=request.data, context=view.get_serializer_context())
        data.is_valid(raise_exception=True)
        membership = request.membership
        objs = [view.entity.record(membership, pk) for pk in data.validated_data[key]]
        member = data.validated_data["owner"]
        changed = records_assign(
            entity=view.entity, membership=membership, objs=objs, field=field, member=member
        )
        return Response({**data.data, "changed": changed})

    return assign
