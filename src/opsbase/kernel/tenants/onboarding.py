"""Pages of a signed-in user before and between organizations: onboarding, tenant switch."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.audit.services import audit_event

from .selectors import SESSION_KEY, invitation_list_pending_for_email, membership_list_for_user
from .services import tenant_create


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Organization name"),
        max_length=120,
        help_text=_("The name of your company or team. You can invite colleagues next."),
        widget=forms.TextInput(attrs={"autofocus": True}),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise DjangoValidationError(_("Enter a name."), code="required")
        return name


# Messages for the fields of Tenant that the form does not show (the slug is derived).
_HIDDEN_FIELD_ERRORS = {
    "slug": _(
        "An organization with a very similar name already exists, or the name has no letters "
        "or digits to build its address from. Please choose another name."
    ),
}


def _field_errors(exc) -> dict[str, list[str]]:
    """Field -> messages of a validation error, whether OpsBase's or Django's."""
    if isinstance(exc, ValidationError):
        return exc.extra.get("fields") or {"__all__": [exc.message]}
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


@login_required
def onboarding(request):
    """Create an organization, or learn how to join one (pending invitations are listed)."""
    if request.method == "POST":
        form = OrganizationCreateForm(request.POST)
        if form.is_valid():
            try:
                tenant, _membership = tenant_create(
                    name=form.cleaned_data["name"], owner=request.user
                )
            except (ValidationError, DjangoValidationError) as exc:
                for field, errors in _field_errors(exc).items():
                    if field in form.fields:
                        form.add_error(field, errors)
                    else:
                        form.add_error("name", _HIDDEN_FIELD_ERRORS.get(field, errors))
            else:
                request.session[SESSION_KEY] = tenant.pk
                messages.success(
                    request,
                    _("%(name)s is ready, and you are its Admin.") % {"name": tenant.name},
                )
                return redirect("web:home")
    else:
        form = OrganizationCreateForm()
    context = {
        "form": form,
        "invitations": invitation_list_pending_for_email(email=request.user.email),
        "memberships": membership_list_for_user(user=request.user),
    }
    return render(request, "tenants/onboarding.html", context)


@login_required
@require_POST
def switch(request):
    """Act in another organization the user is an active member of (404 for any other)."""
    try:
        tenant_id = int(request.POST.get("tenant", ""))
    except ValueError:
        raise Http404 from None
    if not 0 < tenant_id < 2**63:
        # Out of every database's key range: no such tenant (and no overflow error).
        raise Http404
    membership = membership_list_for_user(user=request.user).filter(tenant_id=tenant_id).first()
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = membership.tenant_id
    audit_event(
        tenant=membership.tenant,
        actor=request.user,
        action="tenant.switch",
        target=membership.tenant,
        target_label=membership.tenant.name,
    )
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:home")
    return HttpResponseRedirect(target)
