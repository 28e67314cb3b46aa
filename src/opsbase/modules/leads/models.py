"""Leads: pipelines of stages, leads moving through them, their activities, web forms."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel
from opsbase.kit.deal_constants import ActivityKind
from opsbase.kit.duplicates import ContactBase, contact_indexes
from opsbase.kit.merge import MergeableBase, MergeJournalBase
from opsbase.kit.pipelines import DealBase, PipelineBase, StageBase, deal_indexes
from opsbase.kit.public_forms import PublicFormBase, TrackedBase
from opsbase.kit.public_forms import public_key_new as new_public_key  # noqa: F401 - 0001
from opsbase.kit.reference_lists import NamedBase
from opsbase.kit.scoring import ScoredBase, ScoringRuleBase
from opsbase.kit.timeline import TimelineEntryBase

from .constants import LeadSource


class Pipeline(PipelineBase):
    class Meta(PipelineBase.Meta):
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    def get_absolute_url(self) -> str:
        return reverse("leads:pipeline_detail", args=[self.pk])


class Stage(StageBase):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")

    class Meta(StageBase.Meta):
        verbose_name = _("stage")
        verbose_name_plural = _("stages")


class LostReason(NamedBase):
    """A reason a lead is lost (a reference list a Manager keeps)."""

    class Meta(NamedBase.Meta):
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")


class Lead(TenantOwnedModel, ContactBase, DealBase, TrackedBase, ScoredBase, MergeableBase):
    """A person at a company (``ContactBase``) in a pipeline, its owner, value and follow-up
    (``DealBase``); where it came from (``TrackedBase``), its score (``ScoredBase``) and its
    likely duplicate (``MergeableBase``) are kept."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(
        _("source"), max_length=16, choices=LeadSource.choices, default=LeadSource.MANUAL
    )
    lost_reason = models.ForeignKey(
        LostReason, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("lost reason")
    )
    #: What a conversion made of it elsewhere ("customers.customer:12"), when installed.
    converted_to = models.CharField(max_length=100, blank=True, editable=False)
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="lead_tenant_created_id"),
            *deal_indexes(),
            *contact_indexes(),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name

    def get_absolute_url(self) -> str:
        return reverse("leads:lead_detail", args=[self.pk])


class Activity(TimelineEntryBase):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=8, choices=ActivityKind.choices)

    class Meta(TimelineEntryBase.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["tenant", "lead", "-created_at"], name="activity_lead")]


class LeadForm(PublicFormBase):
    """A public web-to-lead form at ``/w/<public_key>/``."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="+")

    class Meta(PublicFormBase.Meta):
        verbose_name = _("lead form")
        verbose_name_plural = _("lead forms")


class ScoringRule(ScoringRuleBase):
    """An organization's points for one scoring rule (``constants.DEFAULT_SCORING`` keys)."""

    class Meta(ScoringRuleBase.Meta):
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")


class LeadMerge(MergeJournalBase):
    """One merge, kept so that it can be undone exactly: both leads as they were and the
    activities moved."""

    kept = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    merged = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")

    class Meta(MergeJournalBase.Meta):
        verbose_name = _("lead merge")
        verbose_name_plural = _("lead merges")
