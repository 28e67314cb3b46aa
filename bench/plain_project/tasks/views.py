from django.http import HttpResponse
from rest_framework import viewsets

from .models import Task
from .serializers import TaskSerializer


def hello(request):
    return HttpResponse(b"Hello, world", content_type="text/plain")


class TaskViewSet(viewsets.ModelViewSet):
    """The tasks of the caller's organization."""

    serializer_class = TaskSerializer

    def get_queryset(self):
        organization = self.request.user.membership.organization_id
        return Task.objects.filter(organization_id=organization).select_related("owner", "assignee")

    def perform_create(self, serializer):
        user = self.request.user
        serializer.save(organization_id=user.membership.organization_id, owner=user)
