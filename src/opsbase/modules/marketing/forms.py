"""Input of marketing's pages: parsing and validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import MemberChoiceField, RecordForm

from .constants import Audience, Channel, ConsentStatus, LeadSegment
from .models import Campaign, Consent, Mailing


class CampaignForm(RecordForm):
    model = Campaign
    name = forms.CharField(label=_("Name"), max_length=150)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    utm_source = forms.CharField(label=_("UTM source"), max_length=100, required=False)
    utm_medium = forms.CharField(label=_("UTM medium"), max_length=100, required=False)
    utm_campaign = forms.CharField(
        label=_("UTM campaign"),
        max_length=100,
        required=False,
        help_text=_("Visits and leads whose links carry this utm_campaign value count for it."),
    )
    budget = forms.DecimalField(
        label=_("Budget"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    starts_on = forms.DateField(
        label=_("Starts"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    owner = MemberChoiceField(label=_("Owner"), queryset=None, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CampaignChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _("Choose a campaign.")}


class MailingForm(RecordForm):
    model = Mailing
    campaign = CampaignChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text; blank lines separate paragraphs, web addresses become links."),
    )
    audience = forms.ChoiceField(label=_("Send to"), choices=Audience.choices)
    segment = forms.ChoiceField(
        label=_("Which leads"),
        choices=LeadSegment.choices,
        initial=LeadSegment.ALL,
        help_text=_("Only addresses that consented to your campaigns receive it."),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, membership=membership, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.for_tenant(
            membership.tenant_id
        ).order_by("name")
        # Editing, a campaign left out keeps the one it has.
        self.fields["campaign"].required = kwargs.get("instance") is None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("campaign") is None and not self.fields["campaign"].required:
            cleaned.pop("campaign", None)
        return cleaned


class ConsentForm(RecordForm):
    model = Consent
    email = forms.EmailField(label=_("E-mail"))
    status = forms.ChoiceField(label=_("Consent"), choices=ConsentStatus.choices)
    source = forms.CharField(
        label=_("How"),
        max_length=100,
        required=False,
        help_text=_("Where it was given: a web form, an event sign-up, a signed order..."),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, membership=membership, **kwargs)
        # Editing, an address left out keeps the one it has.
        self.fields["email"].required = kwargs.get("instance") is None

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not self.fields["email"].required:
            cleaned.pop("email", None)
        return cleaned


class MarketingSettingsForm(forms.Form):
    sender_name = forms.CharField(
        label=_("Sender name"),
        max_length=100,
        required=False,
        help_text=_("Your organization's name when empty."),
    )
    reply_to = forms.EmailField(label=_("Replies to"), required=False)
    brand_color = forms.RegexField(
        label=_("Brand colour"),
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#0d6efd",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    footer = forms.CharField(
        label=_("Footer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your postal address, shown in every message."),
    )
    track_engagement = forms.BooleanField(
        label=_("Count opens and clicks"),
        required=False,
        help_text=_("Off: messages carry no tracking pixel and their links are not rewritten."),
    )
