"""Tasks API: ``/api/v1/tasks/``. Reads through selectors, writes through services."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import filters, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.api.renderers import JSONRenderer, RenderedJSON
from opsbase.api.schema import ErrorSerializer
from opsbase.kernel.policy import policy

from .caching import task_list_cache_key, task_list_cached, task_list_store
from .constants import ADD, VIEW
from .filters import TaskFilter
from .models import Task
from .selectors import SORT_FIELDS, task_get_for, task_list, task_list_rows, task_order
from .serializers import (
    TaskDetailSerializer,
    TaskRowsSerializer,
    TaskSerializer,
    TaskTransitionSerializer,
)
from .services import task_create, task_delete, task_transition, task_update

TASK_EXAMPLE = {
    "id": 42,
    "title": "Replace the filter on line 2",
    "description": "The pressure drops after an hour.",
    "status": "in_progress",
    "status_label": "In progress",
    "priority": "high",
    "due_date": "2025-06-30",
    "is_overdue": False,
    "assignee": 7,
    "assignee_email": "ann@acme.test",
    "owner": {"id": 3, "email": "manager@acme.test"},
    "completed_at": None,
    "created_at": "2025-06-01T09:30:00Z",
    "updated_at": "2025-06-02T14:05:00Z",
}
INVALID_TRANSITION_EXAMPLE = OpenApiExample(
    "Invalid transition",
    status_codes=["400"],
    response_only=True,
    value={
        "error": {
            "code": "invalid_transition",
            "message": "A task cannot go from Done to In progress. Possible now: reopen.",
            "details": {"state": "done", "status": "in_progress", "allowed": ["reopen"]},
            "request_id": "4f1c0a9e2b7d4c55",
        }
    },
)
VALIDATION_EXAMPLE = OpenApiExample(
    "Invalid input",
    status_codes=["400"],
    response_only=True,
    value={
        "error": {
            "code": "validation_error",
            "message": "Please correct the errors below.",
            "fields": {
                "title": ["Title must be at least 3 characters."],
                "assignee": ["Choose a member of this organization."],
                "due_date": [
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                ],
            },
        }
    },
)
CREATE_EXAMPLE = OpenApiExample(
    "New task",
    request_only=True,
    value={
        "title": "Replace the filter on line 2",
        "description": "The pressure drops after an hour.",
        "priority": "high",
        "due_date": "2025-06-30",
        "assignee": 7,
    },
)


class TaskOrderingFilter(filters.OrderingFilter):
    """``?ordering=`` over the public sort keys; priority and status sort by rank."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        return task_order(queryset, ordering) if ordering else queryset


def _bad_request():
    return OpenApiResponse(
        ErrorSerializer, examples=[VALIDATION_EXAMPLE, INVALID_TRANSITION_EXAMPLE]
    )


@extend_schema_view(
    list=extend_schema(
        summary="List tasks",
        description="Tasks you may see: an Admin or Manager every task of the organization, "
        "others the tasks they own or are assigned to. Filters combine with AND.",
        parameters=[
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description="Sort keys, comma-separated, `-` for descending: "
                + ", ".join(SORT_FIELDS)
                + ". Default `-created_at`.",
            ),
        ],
        examples=[OpenApiExample("A task", value=TASK_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Create a task",
        description="You become its owner; it starts as `todo`. An assignee is e-mailed.",
        examples=[CREATE_EXAMPLE],
        responses={201: TaskDetailSerializer, 400: _bad_request()},
    ),
    retrieve=extend_schema(summary="One task, with the status changes possible now"),
    update=extend_schema(
        summary="Replace a task's fields",
        responses={200: TaskDetailSerializer, 400: _bad_request()},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a task",
        description="Editing needs the owner or a Manager; an assignee may send `status` alone.",
        examples=[
            OpenApiExample("Complete it", value={"status": "done"}, request_only=True),
        ],
        responses={200: TaskDetailSerializer, 400: _bad_request()},
    ),
    destroy=extend_schema(summary="Delete a task (its audit history stays)"),
)
class TaskViewSet(viewsets.ModelViewSet):
    """Tasks of the caller's organization."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    filter_backends = [
        # django-filter first, then search and ordering, as in the API's defaults.
        DjangoFilterBackend,
        filters.SearchFilter,
        TaskOrderingFilter,
    ]
    search_fields = ["title", "description"]
    ordering_fields = list(SORT_FIELDS)
    ordering = ["-created_at"]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        if self.action == "list":
            return TaskSerializer
        if self.action == "transition":
            return TaskTransitionSerializer
        return TaskDetailSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "list":
            policy.require(request.membership, VIEW)
        elif self.action == "create":
            policy.require(request.membership, ADD)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.unscoped().none()
        return task_list(membership=self.request.membership)

    def get_object(self):
        return task_get_for(membership=self.request.membership, pk=self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        # Same filters, ordering and pagination as ModelViewSet.list, but the page is read as
        # plain rows and serialized by TaskRowsSerializer (same JSON as TaskSerializer). JSON
        # answers are cached per tenant version, visibility scope and query (see caching).
        key = self._list_cache_key(request)
        cached = task_list_cached(key)
        if cached is not None:
            return Response(RenderedJSON(cached))
        response = self._list(request)
        if key is not None and response.status_code == status.HTTP_200_OK:
            rendered = RenderedJSON(request.accepted_renderer.render(response.data))
            task_list_store(key, bytes(rendered))
            return Response(rendered)
        return response

    def _list(self, request):
        rows = task_list_rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        context = self.get_serializer_context()
        if page is not None:
            return self.get_paginated_response(TaskRowsSerializer(page, context=context).data)
        return Response(TaskRowsSerializer(rows, context=context).data)

    def _list_cache_key(self, request) -> str | None:
        renderer = getattr(request, "accepted_renderer", None)
        media_type = getattr(request, "accepted_media_type", "")
        if not isinstance(renderer, JSONRenderer) or ";" in media_type:
            return None  # the browsable API, or JSON with parameters (indent): not cached
        # Pagination links are absolute: they carry the scheme and host asked for.
        return task_list_cache_key(
            "api", request.membership, request.query_params, request.scheme, request.get_host()
        )

    def _site_url(self) -> str:
        return self.request.build_absolute_uri("/")

    def _answer(self, task, code=status.HTTP_200_OK):
        # The task as the service saved it, not read again: DRF's own create and update
        # answer the same way. The services keep its owner and assignee's user at hand.
        return Response(
            TaskDetailSerializer(task, context=self.get_serializer_context()).data, status=code
        )

    def create(self, request, *args, **kwargs):
        serializer = TaskSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("status", None)  # validated: a new task starts as To do
        task = task_create(membership=request.membership, site_url=self._site_url(), **data)
        return self._answer(task, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        task = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = TaskSerializer(
            task, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        task = task_update(
            membership=request.membership,
            task=task,
            site_url=self._site_url(),
            **serializer.validated_data,
        )
        return self._answer(task)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        task_delete(membership=request.membership, task=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Take a status transition",
        request=TaskTransitionSerializer,
        responses={200: TaskDetailSerializer, 400: _bad_request()},
        examples=[OpenApiExample("Start work", value={"transition": "start"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the task along one workflow transition (``start``, ``block``, ``complete``,
        ``cancel``, ``reopen``); 400 ``invalid_transition`` names those possible now."""
        task = self.get_object()
        serializer = TaskTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = task_transition(
            membership=request.membership,
            task=task,
            transition=serializer.validated_data["transition"],
        )
        return self._answer(task)
