"""JSON input of the leads API: parsing and validation only (a lead's output is LEAD_ROWS)."""

from __future__ import annotations

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.deals import DealSerializer
from opsbase.kit.public_forms import PublicFormSerializer

from .constants import LEAD_FIELDS
from .models import Lead, LeadForm, Pipeline
from .selectors import LEAD_ROWS


class LeadSerializer(DealSerializer):
    """A lead of the organization."""

    class Meta(DealSerializer.Meta):
        model = Lead
        rows = LEAD_ROWS
        # The other fields a member sets, as the model declares them.
        inputs = [name for name in LEAD_FIELDS if name != "owner"]


class LeadFormSerializer(PublicFormSerializer):
    pipeline = TenantRelatedField(Pipeline)

    class Meta(PublicFormSerializer.Meta):
        model = LeadForm
        fields = [*PublicFormSerializer.Meta.fields, "pipeline"]
