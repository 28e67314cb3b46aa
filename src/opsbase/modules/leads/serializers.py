"""JSON input of the leads API: parsing and validation only (a lead's output is LEAD_ROWS)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import MemberField, RecordSerializer
from opsbase.kit.public_forms import PublicFormSerializer

from .constants import LEAD_FIELDS
from .models import Lead, LeadForm, Pipeline
from .selectors import LEAD_ROWS


class LeadSerializer(RecordSerializer):
    """A lead of the organization."""

    owner = MemberField(
        required=False, allow_null=True, help_text=_("Membership id of an active member, or null.")
    )

    class Meta:
        model = Lead
        rows = LEAD_ROWS
        # The other fields a member sets, as the model declares them.
        inputs = [name for name in LEAD_FIELDS if name != "owner"]
        extra_kwargs = {"value": {"min_value": 0}, "currency": {"min_length": 3}}


class LeadFormSerializer(PublicFormSerializer):
    pipeline = TenantRelatedField(Pipeline)

    class Meta(PublicFormSerializer.Meta):
        model = LeadForm
        fields = [*PublicFormSerializer.Meta.fields, "pipeline"]
