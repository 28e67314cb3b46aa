"""Members and invitations API: ``/api/v1/memberships/`` and ``/api/v1/invitations/``."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.api.viewsets import PolicyViewSetMixin

from .models import Invitation, Membership
from .selectors import (
    MANAGE_INVITATIONS,
    MANAGE_MEMBERS,
    invitation_get_for,
    invitation_list,
    membership_get_for,
    membership_list,
)
from .serializers import InvitationSerializer, MembershipSerializer
from .services import (
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
)


class MembershipViewSet(
    PolicyViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Members of the caller's organization. Admins change a role or (de)activate with PATCH."""

    serializer_class = MembershipSerializer
    codename = MANAGE_MEMBERS
    filter_backends: list = []
    http_method_names = ["get", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.unscoped().none()
        return membership_list(membership=self.request.membership)

    def get_object_for(self, pk):
        return membership_get_for(membership=self.request.membership, pk=pk)

    def partial_update(self, request, *args, **kwargs):
        target = self.get_object()
        serializer = self.get_serializer(target, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            target = self._apply(request.membership, target, data)
        target = membership_get_for(membership=request.membership, pk=target.pk)
        return Response(self.get_serializer(target).data)

    @staticmethod
    def _apply(membership, target, data):
        """Both changes of one PATCH happen, or neither."""
        if "role" in data:
            target = membership_change_role(membership=membership, target=target, role=data["role"])
        if data.get("is_active") is False:
            target = membership_deactivate(membership=membership, target=target)
        elif data.get("is_active") is True:
            target = membership_reactivate(membership=membership, target=target)
        return target


class InvitationViewSet(
    PolicyViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations of the caller's organization; creating one e-mails a single-use link."""

    serializer_class = InvitationSerializer
    codename = MANAGE_INVITATIONS
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.unscoped().none()
        return invitation_list(membership=self.request.membership)

    def get_object_for(self, pk):
        return invitation_get_for(membership=self.request.membership, pk=pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = invitation_create(
            membership=request.membership,
            email=serializer.validated_data["email"],
            role=serializer.validated_data["role"],
            site_url=request.build_absolute_uri("/"),
        )
        invitation = invitation_get_for(membership=request.membership, pk=invitation.pk)
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Close an open invitation: its link stops working."""
        invitation = invitation_revoke(membership=request.membership, invitation=self.get_object())
        return Response(self.get_serializer(invitation).data)
