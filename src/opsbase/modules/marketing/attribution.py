"""Leads made while a visitor's session holds a touch carry it: the lead's own UTM fields
(the last touch, unless the form set some itself) and a ``LeadAttribution`` with both
touches and the campaign they name. Wired as listeners of the kit's record creation
(``opsbase.kit.hooks.listen``), so any form that makes a lead (the public web-to-lead form,
a member's form, the API) is covered without the leads module knowing marketing."""

from __future__ import annotations

from typing import Any

from opsbase.modules.leads.models import Lead

from .constants import TOUCH_FIELDS, TOUCH_LENGTHS
from .middleware import current_request, touches_of
from .models import Campaign, LeadAttribution

CREATING = "leads.lead.creating"
CREATED = "leads.lead.created"


def _lead_touch(lead: Lead) -> dict[str, str]:
    return {name: value for name in TOUCH_FIELDS if (value := getattr(lead, name, ""))}


def lead_touch_fill(lead: Lead) -> dict[str, Any]:
    """The last touch of the visit, for a lead whose form set no tracking field itself."""
    if _lead_touch(lead):
        return {}
    last = touches_of(current_request.get()).get("last") or {}
    return {name: str(last[name])[: TOUCH_LENGTHS[name]] for name in TOUCH_FIELDS if last.get(name)}


def campaign_matching(tenant_id: int, utm_campaign: str, utm_source: str = "") -> Campaign | None:
    """The organization's campaign a touch names (``utm_campaign``, any case); of several,
    the one whose source matches too, then the newest."""
    if not utm_campaign:
        return None
    found = list(
        Campaign.objects.for_tenant(tenant_id)
        .filter(utm_campaign__iexact=utm_campaign)
        .order_by("-created_at", "-pk")[:10]
    )
    for campaign in found:
        if campaign.utm_source and campaign.utm_source.lower() == utm_source.lower():
            return campaign
    return next((c for c in found if not c.utm_source), found[0] if found else None)


def lead_attribution_record(*, membership: Any, obj: Lead) -> LeadAttribution | None:
    """Keep the new lead's first and last touch and its campaign (in the lead's
    transaction); nothing when neither the session nor the lead names one."""
    touches = touches_of(current_request.get())
    own = _lead_touch(obj)
    last = touches.get("last") or {}
    first = touches.get("first") or {}
    if own and own != {k: v for k, v in last.items() if k in TOUCH_FIELDS}:
        # The form's own tracking (its URL's parameters) is the lead's last touch.
        last = own
        first = first or own
    if not last and not first:
        return None
    utm_campaign = last.get("utm_campaign") or first.get("utm_campaign") or ""
    source = last.get("utm_source") or first.get("utm_source") or ""
    attribution = LeadAttribution(
        tenant_id=obj.tenant_id,
        lead=obj,
        utm_campaign=utm_campaign[:100],
        campaign=campaign_matching(obj.tenant_id, utm_campaign, source),
        first_touch=first or last,
        last_touch=last or first,
    )
    attribution.save()
    return attribution
