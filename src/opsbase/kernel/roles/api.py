"""Roles API: ``/api/v1/roles/`` for Admins (and roles granted ``roles.manage_roles``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.api.viewsets import PolicyViewSetMixin

from .models import Role
from .selectors import MANAGE_ROLES, role_get_for, role_list, role_template_list
from .serializers import RoleFromTemplateSerializer, RoleSerializer, RoleTemplateSerializer
from .services import role_create, role_create_from_template, role_delete, role_update


class RoleViewSet(
    PolicyViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Roles of the caller's organization: built-in, custom and made from templates."""

    serializer_class = RoleSerializer
    codename = MANAGE_ROLES
    collection_actions = frozenset({"list", "create", "templates", "from_template"})
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Role.objects.unscoped().none()
        return role_list(membership=self.request.membership)

    def get_object_for(self, pk):
        return role_get_for(membership=self.request.membership, pk=pk)

    def create(self, request, *args, **kwargs):
        serializer = RoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        role = role_create(
            membership=request.membership,
            name=data["name"],
            description=data.get("description", ""),
            permissions=data.get("permissions", []),
        )
        role = role_get_for(membership=request.membership, pk=role.pk)
        return Response(RoleSerializer(role).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        role = self.get_object()
        partial = kwargs.pop("partial", False) or request.method == "PATCH"
        serializer = RoleSerializer(role, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        role_update(
            membership=request.membership,
            role=role,
            name=data.get("name"),
            description=data.get("description"),
            permissions=data.get("permissions"),
        )
        role = role_get_for(membership=request.membership, pk=role.pk)
        return Response(RoleSerializer(role).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        role_delete(membership=request.membership, role=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=RoleTemplateSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def templates(self, request):
        """Role templates an Admin can create a custom role from in one step."""
        data = [
            {**t, "name": str(t["name"]), "description": str(t["description"])}
            for t in role_template_list()
        ]
        return Response(RoleTemplateSerializer(data, many=True).data)

    @extend_schema(request=RoleFromTemplateSerializer, responses={201: RoleSerializer})
    @action(detail=False, methods=["post"], url_path="from-template")
    def from_template(self, request):
        """Create a custom role from a template (``{"template": "technician"}``)."""
        serializer = RoleFromTemplateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = role_create_from_template(
            membership=request.membership,
            slug=serializer.validated_data["template"],
            name=serializer.validated_data.get("name", ""),
        )
        role = role_get_for(membership=request.membership, pk=role.pk)
        return Response(RoleSerializer(role).data, status=status.HTTP_201_CREATED)
