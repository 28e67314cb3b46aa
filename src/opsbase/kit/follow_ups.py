"""Follow-ups: a record (a won lead, a closed deal) spawns a task of another module, assigned
to the record's owner and noted on the record's timeline::

    FOLLOW_UP = FollowUp(
        create="opsbase.modules.tasks.services.task_create",  # a declared dependency
        codename=CHANGE, timeline=LEAD_TIMELINE, ready=won_only,
        description=lambda lead: _("Follow-up of the lead “%s”.") % lead,
    )

``run`` checks the right on the record and that it is ready, then, in one transaction, has
*create* make the task (``membership, title, due_date, description, assignee``) and adds a
note to the timeline naming it (``data={"task": pk}``). ``api_action`` is the viewset's
``POST …/<pk>/follow-up/`` (an attribute called ``follow_up``), ``page_view`` the record
page's button. The task's module is named by a dotted path, imported when a follow-up is
made, so declaring one imports nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.core.writes import atomic_write
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

from .timeline import Timeline

__all__ = ["FollowUp", "FollowUpSerializer"]


class FollowUpSerializer(serializers.Serializer):
    title = serializers.CharField(min_length=3, max_length=200)
    due_date = serializers.DateField(required=False, allow_null=True)
    task = serializers.IntegerField(read_only=True)


@dataclass(frozen=True)
class FollowUp:
    #: Dotted path of the service making the task (``task_create``'s keywords).
    create: str
    codename: str
    timeline: Timeline
    #: Raises (``InvalidTransition``) when the record cannot have a follow-up yet.
    ready: Callable[[Any], None]
    description: Callable[[Any], str]
    assignee: str = "owner"
    note_kind: str = "note"

    def run(self, *, membership: Membership, obj: Any, title: str, due_date: Any = None) -> Any:
        """The new task, assigned to *obj*'s ``assignee`` and noted on its timeline."""
        return _run(self, membership, obj, title, due_date)

    def page_view(self, entity: Any, success: Any, title: Callable[[Any], str]) -> Any:
        """The record page's button: ``POST <pk>/follow-up/`` with an optional ``title``
        (else ``title(obj)``), back to the page saying *success* (or why not)."""
        from .views import record_action_view

        def do(request: Any, membership: Membership, obj: Any) -> Any:
            given = request.POST.get("title", "").strip() or title(obj)
            return self.run(membership=membership, obj=obj, title=given[:200])

        return record_action_view(entity, do, success)

    def api_action(self, summary: str = "A follow-up task") -> Any:
        """A viewset's ``POST …/<pk>/follow-up/``: ``{"title", "due_date", "task"}`` (201)."""
        spec = self

        @extend_schema(
            request=FollowUpSerializer,
            responses={201: FollowUpSerializer},
            summary=summary,
        )
        @action(detail=True, methods=["post"], url_path="follow-up")
        def follow_up(view: Any, request: Any, pk: Any = None) -> Response:
            obj = view.get_object()
            data = FollowUpSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            task = spec.run(membership=request.membership, obj=obj, **data.validated_data)
            return Response({**data.data, "task": task.pk}, status=status.HTTP_201_CREATED)

        return follow_up


@atomic_write
def _run(follow_up: FollowUp, membership: Membership, obj: Any, title: str, due: Any) -> Any:
    policy.require(membership, follow_up.codename, obj)
    follow_up.ready(obj)
    task = import_string(follow_up.create)(
        membership=membership,
        title=title,
        due_date=due,
        description=follow_up.description(obj),
        assignee=getattr(obj, follow_up.assignee),
    )
    follow_up.timeline.add(
        membership=membership,
        obj=obj,
        kind=follow_up.note_kind,
        body=_("Follow-up task: %s") % task.title,
        data={"task": task.pk},
    )
    return task
