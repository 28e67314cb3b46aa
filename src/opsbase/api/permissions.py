from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class HasActiveMembership(BasePermission):
    """The caller is signed in (session or token) and acts through an active membership."""

    message = _("You are not a member of an organization.")

    def has_permission(self, request, view) -> bool:
        membership = getattr(request, "membership", None)
        return bool(request.user and request.user.is_authenticated and membership is not None)
