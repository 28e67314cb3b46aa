"""Filters of marketing's lists, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import SearchFilter

from .constants import Channel, ConsentStatus, MailingState
from .models import Campaign, Consent, Mailing


class CampaignFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)

    class Meta:
        model = Campaign
        fields = ["q", "channel"]


class MailingFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    state = django_filters.ChoiceFilter(label=_("State"), choices=MailingState.choices)

    class Meta:
        model = Mailing
        fields = ["q", "state"]


class ConsentFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    status = django_filters.ChoiceFilter(label=_("Consent"), choices=ConsentStatus.choices)

    class Meta:
        model = Consent
        fields = ["q", "status"]
