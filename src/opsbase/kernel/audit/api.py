"""Read-only API of the audit log: ``/api/v1/audit-events/``."""

from __future__ import annotations

from rest_framework import exceptions, viewsets

from opsbase.core import exceptions as opsbase_exceptions
from opsbase.kernel.policy import policy

from .filters import AuditEventFilter
from .models import AuditEvent
from .selectors import VIEW, audit_event_get, audit_event_list
from .serializers import AuditEventSerializer


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Events of the caller's organization, newest first (Admins, or roles granted
    ``audit.view_auditevent``). Another organization's event answers 404."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    search_fields = ["target_label", "actor_label"]
    ordering_fields = ["created_at", "seq"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no membership
            return AuditEvent.objects.unscoped().none()
        return audit_event_list(membership=self.request.membership)

    def list(self, request, *args, **kwargs):
        decision = policy.decide(request.membership, VIEW)
        if not decision.allowed:
            raise exceptions.PermissionDenied(decision.reason)
        return super().list(request, *args, **kwargs)

    def get_object(self):
        # Looked up in the tenant before the role check: another tenant's event is a 404
        # whatever the role, an own-tenant event is a 403 with the reason.
        try:
            return audit_event_get(membership=self.request.membership, pk=self.kwargs["pk"])
        except opsbase_exceptions.NotFound:
            raise exceptions.NotFound() from None
        except opsbase_exceptions.PermissionDenied as denied:
            raise exceptions.PermissionDenied(denied.message) from None
