"""The references every figure is divided by.

``hello``: the cheapest Django answer, the ceiling of the stack (middleware included).
``BaselineTaskList``: the task list as a plain DRF project would write it (ModelSerializer,
``select_related``, page-number pagination), behind the same authentication as OpsBase's API.
``BaselineTaskCreate`` and ``BaselineTaskUpdate``: a create (POST) and an update (PATCH) as a
plain DRF project would write them (ModelSerializer, generic views, one transaction), scoped
to the caller's organization but with no permission checks and no audit trail: what a write
costs this stack before OpsBase's services add anything. (The model's signals still bump the
list cache's version, as they do for every write path.)
"""

from django.db import transaction
from django.http import HttpResponse
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated

from opsbase.modules.tasks.models import Task


def hello(request):
    return HttpResponse(b"Hello, world", content_type="text/plain")


class BaselineTaskSerializer(serializers.ModelSerializer):
    tenant = serializers.CharField(source="tenant.name")
    owner = serializers.EmailField(source="owner.email", allow_null=True)
    assignee = serializers.CharField(source="assignee.user.email", allow_null=True, default=None)

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "status",
            "priority",
            "due_date",
            "tenant",
            "owner",
            "assignee",
            "completed_at",
            "created_at",
            "updated_at",
        ]


class BaselinePagination(PageNumberPagination):
    page_size = 50


class BaselineTaskList(generics.ListAPIView):
    serializer_class = BaselineTaskSerializer
    pagination_class = BaselinePagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return (
            Task.objects.for_tenant(self.request.membership.tenant_id)
            .select_related("tenant", "owner", "assignee__user")
            .order_by("-created_at", "-id")
        )


class BaselineTaskWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "title", "description", "status", "priority", "due_date", "created_at"]
        read_only_fields = ["status", "created_at"]


class BaselineTaskCreate(generics.CreateAPIView):
    serializer_class = BaselineTaskWriteSerializer
    permission_classes = [IsAuthenticated]

    @transaction.atomic
    def perform_create(self, serializer):
        membership = self.request.membership
        serializer.save(tenant_id=membership.tenant_id, owner=membership.user)


class BaselineTaskUpdate(generics.UpdateAPIView):
    serializer_class = BaselineTaskWriteSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["patch"]

    def get_queryset(self):
        return Task.objects.for_tenant(self.request.membership.tenant_id)

    @transaction.atomic
    def perform_update(self, serializer):
        serializer.save()
