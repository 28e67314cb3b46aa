"""Choices of marketing: campaign channels, the e-mail campaign's workflow, the touch fields
a visit carries, and the permission codenames."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.workflows import Transition, Workflow

VIEW = "marketing.view_campaign"
ADD = "marketing.add_campaign"
CHANGE = "marketing.change_campaign"
DELETE = "marketing.delete_campaign"
MAILING_VIEW = "marketing.view_mailing"
MAILING_ADD = "marketing.add_mailing"
MAILING_CHANGE = "marketing.change_mailing"
MAILING_DELETE = "marketing.delete_mailing"
SEND = "marketing.send_mailing"
CONSENT_VIEW = "marketing.view_consent"
CONSENT_ADD = "marketing.add_consent"
CONSENT_CHANGE = "marketing.change_consent"
CONSENT_DELETE = "marketing.delete_consent"
SETTINGS = "marketing.change_settings"

ALL_CODENAMES = (
    VIEW,
    ADD,
    CHANGE,
    DELETE,
    MAILING_VIEW,
    MAILING_ADD,
    MAILING_CHANGE,
    MAILING_DELETE,
    SEND,
    CONSENT_VIEW,
    CONSENT_ADD,
    CONSENT_CHANGE,
    CONSENT_DELETE,
    SETTINGS,
)

#: The query parameters a landing visit is remembered by, and their longest kept value.
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
CLICK_IDS = ("gclid", "fbclid", "msclkid")
TOUCH_FIELDS = (*UTM_FIELDS, *CLICK_IDS)
TOUCH_LENGTHS = {**dict.fromkeys(UTM_FIELDS, 100), **dict.fromkeys(CLICK_IDS, 255)}
#: The session key of a visitor's first and last touch.
SESSION_KEY = "opsbase.marketing.touch"

#: Salts of the signed links in campaign e-mails (one per purpose: a token of one kind opens
#: nothing else).
UNSUBSCRIBE_SALT = "opsbase.marketing.unsubscribe"
OPEN_SALT = "opsbase.marketing.open"
CLICK_SALT = "opsbase.marketing.click"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SEARCH = "search", _("Paid search")
    SOCIAL = "social", _("Social")
    DISPLAY = "display", _("Display")
    EVENT = "event", _("Event")
    REFERRAL = "referral", _("Referral")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    LEADS = "leads", _("Leads")
    CUSTOMERS = "customers", _("Customers")


class LeadSegment(models.TextChoices):
    ALL = "all", _("Every lead")
    OPEN = "open", _("Open leads")
    WON = "won", _("Won leads")
    LOST = "lost", _("Lost leads")


class MailingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class RecipientStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    SUPPRESSED = "suppressed", _("Not sent: suppressed")
    FAILED = "failed", _("Failed")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


STATE_BADGES = {
    MailingState.DRAFT: "text-bg-secondary",
    MailingState.SENDING: "text-bg-primary",
    MailingState.PAUSED: "text-bg-warning",
    MailingState.SENT: "text-bg-success",
    MailingState.CANCELLED: "text-bg-dark",
}
CONSENT_BADGES = {
    ConsentStatus.GRANTED: "text-bg-success",
    ConsentStatus.WITHDRAWN: "text-bg-secondary",
}

EFFECTS = "opsbase.modules.marketing.services.mailing_state_effects"

MAILING_WORKFLOW = Workflow(
    states=MailingState,
    initial=MailingState.DRAFT,
    transitions=[
        Transition(
            "start",
            source=MailingState.DRAFT,
            target=MailingState.SENDING,
            codename=SEND,
            effects=EFFECTS,
            label=_("Start sending"),
        ),
        Transition(
            "pause",
            source=MailingState.SENDING,
            target=MailingState.PAUSED,
            codename=SEND,
            effects=EFFECTS,
            label=_("Pause"),
        ),
        Transition(
            "resume",
            source=MailingState.PAUSED,
            target=MailingState.SENDING,
            codename=SEND,
            effects=EFFECTS,
            label=_("Resume"),
        ),
        Transition(
            "finish",
            source=MailingState.SENDING,
            target=MailingState.SENT,
            codename=SEND,
            effects=EFFECTS,
            guard="opsbase.modules.marketing.selectors.mailing_finish_blocker",
            label=_("Mark as sent"),
        ),
        Transition(
            "cancel",
            source={MailingState.DRAFT, MailingState.PAUSED},
            target=MailingState.CANCELLED,
            codename=SEND,
            effects=EFFECTS,
            label=_("Cancel"),
        ),
    ],
)
