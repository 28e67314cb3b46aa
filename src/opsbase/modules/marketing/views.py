"""Marketing pages: campaigns with their closed-loop results, e-mail campaigns with their
counts, consents, the organization's e-mail settings; and what a recipient reaches without
signing in: the unsubscribe page (and its one-click POST), the open pixel, the click
redirect."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from opsbase.core.context import tenant_context
from opsbase.core.exceptions import ValidationError
from opsbase.kernel.policy import policy
from opsbase.kit.views import ListPage, Pages, RecordDetailView
from opsbase.web.decorators import membership_required

from .constants import (
    CLICK_SALT,
    CONSENT_VIEW,
    MAILING_VIEW,
    OPEN_SALT,
    SETTINGS,
    UNSUBSCRIBE_SALT,
    VIEW,
)
from .entity import CAMPAIGNS, CONSENTS, MAILINGS
from .forms import CampaignForm, ConsentForm, MailingForm, MarketingSettingsForm
from .selectors import (
    campaign_lead_rows,
    campaign_mailings,
    campaign_results,
    mailing_counts,
    recipient_for_token,
    settings_of,
)
from .services import (
    marketing_settings_update,
    recipient_clicked,
    recipient_opened,
    recipient_unsubscribe,
    token_read,
)


class CampaignDetail(RecordDetailView):
    """A campaign: its fields, its results (cost, leads, won value, paid revenue, ROI), its
    latest leads and its e-mail campaigns."""

    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        return {
            **super().context(obj),
            "results": campaign_results(campaign=obj),
            "leads": campaign_lead_rows(campaign=obj),
            "mailings": campaign_mailings(campaign=obj)
            if policy.can(membership, MAILING_VIEW)
            else None,
        }


class MailingDetail(RecordDetailView):
    """An e-mail campaign: its fields and what became of its messages."""

    def context(self, obj: Any) -> dict[str, Any]:
        return {
            **super().context(obj),
            "counts": mailing_counts(mailing=obj),
            "tracking": settings_of(obj.tenant_id).track_engagement,
        }


class CampaignPages(Pages):
    entity = CAMPAIGNS
    form_class = CampaignForm
    detail_view = CampaignDetail
    lists = (
        ListPage(
            "campaign_list",
            "",
            codename=VIEW,
            heading=_lazy("Campaigns"),
            empty_title=_lazy("No campaigns yet."),
            empty_text=_lazy("Campaigns with their UTM parameters, budget and results."),
            icon="megaphone",
            sort_choices=(
                ("-created_at", _lazy("Newest first")),
                ("name", _lazy("Name A–Z")),
                ("-starts_on", _lazy("Latest start")),
            ),
        ),
    )


class MailingPages(Pages):
    entity = MAILINGS
    form_class = MailingForm
    detail_view = MailingDetail
    lists = (
        ListPage(
            "mailing_list",
            "",
            codename=MAILING_VIEW,
            heading=_lazy("E-mail campaigns"),
            empty_title=_lazy("No e-mail campaigns yet."),
            empty_text=_lazy("Messages to the leads and customers who agreed to receive them."),
            icon="envelope-paper",
        ),
    )


class ConsentPages(Pages):
    entity = CONSENTS
    form_class = ConsentForm
    lists = (
        ListPage(
            "consent_list",
            "",
            codename=CONSENT_VIEW,
            heading=_lazy("Marketing consent"),
            empty_title=_lazy("No consent recorded yet."),
            empty_text=_lazy("Addresses that agreed to receive your campaigns, or withdrew."),
            icon="person-check",
        ),
    )


@membership_required
def marketing_settings(request: HttpRequest) -> HttpResponse:
    """The organization's campaign e-mail: sender name, replies, branding, engagement
    counting."""
    membership = request.membership  # type: ignore[attr-defined]
    policy.require(membership, SETTINGS)
    current = settings_of(membership.tenant_id)
    initial = {name: getattr(current, name) for name in MarketingSettingsForm.base_fields}
    form = MarketingSettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                marketing_settings_update(membership=membership, **form.cleaned_data)
            except ValidationError as exc:
                for name, errors in (exc.extra.get("fields") or {}).items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("marketing:settings")
        status = 400
    return render(request, "marketing/settings.html", {"form": form}, status=status)


# -- pages a recipient reaches ----------------------------------------------------------------
def _recipient(token: str, salt: str) -> tuple[Any, list[Any]]:
    parts = token_read(salt, token)
    if not parts or len(parts) < 2:
        raise Http404
    tenant_id, pk = int(parts[0]), int(parts[1])
    with tenant_context(tenant_id):
        recipient = recipient_for_token(tenant_id=tenant_id, pk=pk)
    if recipient is None:
        raise Http404
    return recipient, parts


@csrf_exempt
@never_cache
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the page with its button (a link scanner's visit changes nothing). POST: the
    unsubscribe, from the button or from the mail program's one-click (RFC 8058)."""
    recipient, _parts = _recipient(token, UNSUBSCRIBE_SALT)
    done = recipient.unsubscribed_at is not None
    if request.method == "POST":
        with tenant_context(recipient.tenant_id):
            recipient_unsubscribe(recipient=recipient)
        done = True
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(request, "marketing/unsubscribe.html", {"done": done, "email": recipient.email})


_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@never_cache
def opened(request: HttpRequest, token: str) -> HttpResponse:
    """The open pixel: a transparent GIF, counted where the organization allows it."""
    parts = token_read(OPEN_SALT, token)
    if parts and len(parts) >= 2:
        tenant_id, pk = int(parts[0]), int(parts[1])
        with tenant_context(tenant_id):
            recipient = recipient_for_token(tenant_id=tenant_id, pk=pk)
            if recipient is not None:
                recipient_opened(recipient=recipient)
    return HttpResponse(_PIXEL, content_type="image/gif")


@never_cache
def clicked(request: HttpRequest, token: str) -> HttpResponse:
    """A link of a message: counted, then on to the address signed into it (and no other:
    no open redirect)."""
    recipient, parts = _recipient(token, CLICK_SALT)
    if len(parts) < 3 or not str(parts[2]).startswith(("http://", "https://")):
        raise Http404
    with tenant_context(recipient.tenant_id):
        recipient_clicked(recipient=recipient)
    return HttpResponseRedirect(str(parts[2]))
