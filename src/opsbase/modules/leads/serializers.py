"""JSON input of the leads API: parsing and validation only (a lead's output is LEAD_ROWS)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import MemberField, RecordSerializer
from opsbase.kit.public_forms import PublicFormSerializer

from .constants import LeadSource
from .models import Lead, LeadForm, Pipeline
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


class LeadFormSerializer(PublicFormSerializer):
    pipeline = TenantRelatedField(Pipeline)

    class Meta(PublicFormSerializer.Meta):
        model = LeadForm
        fields = [*PublicFormSerializer.Meta.fields, "pipeline"]
