"""JSON input of the campaigns API (the output is the row spec), and a campaign's results."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.kit.api import MemberField, RecordSerializer

from .constants import Channel
from .models import Campaign
from .selectors import CAMPAIGN_ROWS


class CampaignSerializer(RecordSerializer):
    """A campaign of the organization."""

    name = serializers.CharField(max_length=150)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    utm_source = serializers.CharField(max_length=100, required=False, allow_blank=True)
    utm_medium = serializers.CharField(max_length=100, required=False, allow_blank=True)
    utm_campaign = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("Visits and leads whose links carry this utm_campaign value count for it."),
    )
    budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    currency = serializers.CharField(max_length=3, required=False)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    owner = MemberField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = Campaign
        rows = CAMPAIGN_ROWS


class CampaignResultsSerializer(serializers.Serializer):
    """Campaign → leads → won deals → paid invoices."""

    cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    leads = serializers.IntegerField()
    won = serializers.IntegerField()
    won_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    customers = serializers.IntegerField()
    paid_revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    roi = serializers.DecimalField(
        max_digits=14, decimal_places=1, allow_null=True, help_text=_("In percent.")
    )
