"""A task: a piece of work of one organization, owned by its creator, maybe assigned."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel, WorkflowManager
from opsbase.kernel.workflows import StateField

from .constants import (
    OPEN_STATUSES,
    TASK_WORKFLOW,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    TaskPriority,
)

TITLE_TOO_SHORT = _("Title must be at least 3 characters.")


class Task(TenantOwnedModel):
    title = models.CharField(
        _("title"),
        max_length=TITLE_MAX_LENGTH,
        validators=[MinLengthValidator(TITLE_MIN_LENGTH, message=TITLE_TOO_SHORT)],
        error_messages={"blank": TITLE_TOO_SHORT},
    )
    description = models.TextField(_("description"), blank=True)
    status = StateField(_("status"), workflow=TASK_WORKFLOW)
    priority = models.CharField(
        _("priority"), max_length=16, choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("Who created the task."),
    )
    assignee = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)

    objects: ClassVar[WorkflowManager] = WorkflowManager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-created_at", "-pk"]
        # Every list starts with the tenant, then narrows by one of these.
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="task_tenant_created_id"),
            models.Index(fields=["tenant", "status", "due_date"], name="task_tenant_status_due"),
            models.Index(fields=["tenant", "owner"], name="task_tenant_owner"),
            models.Index(fields=["tenant", "assignee"], name="task_tenant_assignee"),
            models.Index(fields=["tenant", "due_date"], name="task_tenant_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tasks:task_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if (
            self.assignee_id is not None
            and self.tenant_id is not None
            and self.assignee is not None
            and self.assignee.tenant_id != self.tenant_id
        ):
            raise ValidationError(
                {"assignee": _("Choose a member of this organization.")}, code="foreign_member"
            )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_date and self.is_open and self.due_date < timezone.localdate())
