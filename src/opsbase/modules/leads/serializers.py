"""JSON input of the leads API: parsing and validation only (a lead's output is LEAD_ROWS)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import MemberField, RecordSerializer
from opsbase.kit.public_forms import PublicFormSerializer

from .constants import LeadSource
from .models import Lead, LeadForm, LostReason, Pipeline, Stage
from .selectors import LEAD_ROWS


class LeadSerializer(RecordSerializer):
    """A lead of the organization."""

    name = serializers.CharField(max_length=150)
    company = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=LeadSource.choices, required=False
    )
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    currency = serializers.CharField(min_length=3, max_length=3, required=False)
    owner = MemberField(
        required=False, allow_null=True, help_text=_("Membership id of an active member, or null.")
    )
    follow_up = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = Lead
        rows = LEAD_ROWS


class MoveSerializer(serializers.Serializer):
    stage = TenantRelatedField(Stage, help_text=_("Id of a stage of the lead's pipeline."))
    lost_reason = TenantRelatedField(
        LostReason,
        required=False,
        allow_null=True,
        help_text=_("Required to enter a lost stage."),
    )


class AssignSerializer(serializers.Serializer):
    leads = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=500)
    owner = MemberField(help_text=_("Membership id of the new owner."))
    changed = serializers.IntegerField(read_only=True)


class MergeSerializer(serializers.Serializer):
    keep = serializers.IntegerField()
    merge = serializers.IntegerField()
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ChoiceField(choices=["keep", "merge"]), required=False
    )


class MergeResultSerializer(serializers.Serializer):
    merge = serializers.IntegerField(help_text=_("The merge's id, to undo it."))
    lead = LeadSerializer(help_text=_("The lead kept, as merged."))


class ConvertSerializer(serializers.Serializer):
    customer = serializers.CharField(
        help_text=_("The customer's reference: customers.customer:12.")
    )


class FollowUpSerializer(serializers.Serializer):
    title = serializers.CharField(min_length=3, max_length=200)
    due_date = serializers.DateField(required=False, allow_null=True)
    task = serializers.IntegerField(read_only=True)


class LeadFormSerializer(PublicFormSerializer):
    pipeline = TenantRelatedField(Pipeline)

    class Meta(PublicFormSerializer.Meta):
        model = LeadForm
        fields = [*PublicFormSerializer.Meta.fields, "pipeline"]
