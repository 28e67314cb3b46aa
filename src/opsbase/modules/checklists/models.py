"""Form templates (a draft field list, edited freely), their published versions (immutable:
what a filled form was filled against) and the filled forms (submissions)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import Conflict
from opsbase.core.models import TenantOwnedModel

from .constants import Result


class FormTemplate(TenantOwnedModel):
    """A form of the organization: its name and the draft of its fields; each publication
    freezes the draft as the next ``FormVersion``."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    draft = models.JSONField(_("fields (draft)"), default=list, blank=True)
    latest_version = models.PositiveIntegerField(_("latest version"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("form template")
        verbose_name_plural = _("form templates")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="checklists_template_name"),
        ]
        indexes = [models.Index(fields=["tenant", "name"], name="checklists_template_by_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("checklists:formtemplate_detail", args=[self.pk])

    @property
    def field_count(self) -> int:
        return len(self.draft or [])


class FormVersion(TenantOwnedModel):
    """A published version of a template: its fields as they were; never changed."""

    template = models.ForeignKey(
        FormTemplate, on_delete=models.PROTECT, related_name="versions", verbose_name=_("template")
    )
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    fields = models.JSONField(_("fields"), default=list)
    published_by = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="checklists_version_number"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "template"], name="checklists_version_template")]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A published version is what filled forms were checked against: never rewritten.
        if not self._state.adding:
            raise Conflict(_("A published form version is not changed; publish a new one."))
        super().save(*args, **kwargs)


class FormSubmission(TenantOwnedModel):
    """A filled form: the answers kept against one version, the flags and the result."""

    version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("form version")
    )
    answers = models.JSONField(_("answers"), default=dict)
    flags = models.JSONField(_("flags"), default=dict, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    submitted_by = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filled by"),
    )

    class Meta:
        verbose_name = _("filled form")
        verbose_name_plural = _("filled forms")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "subject"], name="checklists_submission_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.get_result_display()}"
