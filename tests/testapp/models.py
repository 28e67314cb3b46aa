from typing import ClassVar

from django.conf import settings
from django.db import models

from opsbase.core.models import TenantOwnedModel, WorkflowManager
from opsbase.kernel.workflows import StateField

from .constants import TICKET_WORKFLOW


class Ticket(TenantOwnedModel):
    """A small tenant-owned model with a workflow, for the kernel's tests."""

    title = models.CharField(max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = StateField("status", workflow=TICKET_WORKFLOW)
    checklist_done = models.BooleanField(default=False)
    resolution = models.CharField(max_length=200, blank=True)

    objects: ClassVar[WorkflowManager] = WorkflowManager()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["tenant", "status"], name="ticket_tenant_status")]

    def __str__(self) -> str:
        return self.title
