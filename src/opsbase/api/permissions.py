from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

if TYPE_CHECKING:
    # Not at run time: DRF imports this module (DEFAULT_PERMISSION_CLASSES) while
    # ``rest_framework.views`` is still loading.
    from rest_framework.request import Request
    from rest_framework.views import APIView


class HasActiveMembership(BasePermission):
    """The caller is signed in (session or token) and acts through an active membership."""

    message = _("You are not a member of an organization.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        membership = getattr(request, "membership", None)
        return bool(request.user and request.user.is_authenticated and membership is not None)
