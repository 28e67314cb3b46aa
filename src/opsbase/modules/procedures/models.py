"""Procedures: versioned documents of the workshop (a Markdown body and an attachment), the
procedure versions a work order requires, and who has read and acknowledged each version."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel, WorkflowManager
from opsbase.core.uploads import UploadValidator
from opsbase.kernel.workflows import StateField

from .constants import ATTACHMENT_TYPES, PROCEDURE_WORKFLOW


class ProcedureCounter(TenantOwnedModel):
    """The last version number given to a procedure code (locked to number the next one)."""

    code = models.CharField(_("code"), max_length=40)
    last = models.PositiveIntegerField(_("last version"), default=0)

    class Meta:
        verbose_name = _("procedure version counter")
        verbose_name_plural = _("procedure version counters")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="procedures_counter_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.last}"


class Procedure(TenantOwnedModel):
    """One version of a procedure: the versions of one document share its ``code``."""

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    attachment = models.FileField(
        _("attachment"),
        upload_to="procedures/%Y/",
        blank=True,
        validators=[UploadValidator(allowed=ATTACHMENT_TYPES)],
    )
    state = StateField(_("state"), workflow=PROCEDURE_WORKFLOW)
    author = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    approved_by = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)

    objects: ClassVar[WorkflowManager] = WorkflowManager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code", "version"], name="procedures_code_version"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="procedures_tenant_created"),
            models.Index(fields=["tenant", "code", "state"], name="procedures_code_state"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("procedures:procedure_detail", args=[self.pk])


class ProcedureRequirement(TenantOwnedModel):
    """A work order (or one of its operations) needs this procedure version read first."""

    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        related_name="requirements",
        verbose_name=_("procedure"),
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("work order"),
    )
    operation = models.ForeignKey(
        "workorders.Operation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operation"),
    )

    class Meta:
        verbose_name = _("required procedure")
        verbose_name_plural = _("required procedures")
        ordering = ["work_order", "pk"]
        indexes = [
            models.Index(fields=["tenant", "work_order"], name="procedures_req_order"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} for {self.work_order_id}"


class Acknowledgement(TenantOwnedModel):
    """A member has read a procedure version and acknowledges it (once per version)."""

    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
        verbose_name=_("procedure"),
    )
    member = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["procedure", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "member"], name="procedures_ack_once")
        ]
        indexes = [models.Index(fields=["tenant", "member"], name="procedures_ack_member")]

    def __str__(self) -> str:
        return f"{self.member_id} read {self.procedure_id}"
