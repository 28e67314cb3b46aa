"""Campaigns, e-mail campaigns and consents as the kit's pages and API offer them."""

from opsbase.kit.entity import Codenames, Entity

from .constants import (
    ADD,
    CHANGE,
    CONSENT_ADD,
    CONSENT_CHANGE,
    CONSENT_DELETE,
    CONSENT_VIEW,
    DELETE,
    MAILING_ADD,
    MAILING_CHANGE,
    MAILING_DELETE,
    MAILING_VIEW,
    VIEW,
)
from .filters import CampaignFilter, ConsentFilter, MailingFilter
from .models import Campaign, Consent, Mailing
from .selectors import CAMPAIGN_ROWS, CONSENT_ROWS, MAILING_ROWS
from .services import (
    campaign_create,
    campaign_delete,
    campaign_update,
    consent_create,
    consent_update,
    mailing_create,
    mailing_delete,
    mailing_transition,
    mailing_update,
)

CAMPAIGNS = Entity(
    model=Campaign,
    rows=CAMPAIGN_ROWS,
    codenames=Codenames(view=VIEW, add=ADD, change=CHANGE, delete=DELETE),
    related=("owner__user",),
    filterset=CampaignFilter,
    create=campaign_create,
    update=campaign_update,
    delete=campaign_delete,
)

MAILINGS = Entity(
    model=Mailing,
    rows=MAILING_ROWS,
    codenames=Codenames(
        view=MAILING_VIEW, add=MAILING_ADD, change=MAILING_CHANGE, delete=MAILING_DELETE
    ),
    related=("campaign", "owner__user"),
    filterset=MailingFilter,
    create=mailing_create,
    update=mailing_update,
    delete=mailing_delete,
    transition=mailing_transition,
    service_kwargs=lambda request: {"site_url": request.build_absolute_uri("/")},
)

CONSENTS = Entity(
    model=Consent,
    rows=CONSENT_ROWS,
    codenames=Codenames(
        view=CONSENT_VIEW, add=CONSENT_ADD, change=CONSENT_CHANGE, delete=CONSENT_DELETE
    ),
    filterset=ConsentFilter,
    create=consent_create,
    update=consent_update,
)
