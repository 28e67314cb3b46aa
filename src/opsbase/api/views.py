"""The API tokens pages: list, create (the secret is shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.policy import policy
from opsbase.web.decorators import membership_required, permission_required
from opsbase.web.forms import form_add_errors

from .forms import ApiTokenForm
from .rules import MANAGE_TOKENS
from .selectors import api_token_get_for, api_token_list, api_token_list_own
from .services import api_token_create, api_token_revoke, expiry_after_days


@permission_required(MANAGE_TOKENS)
def token_list(request):
    own = api_token_list_own(membership=request.membership)
    # Other members' tokens are listed only to those the policy lets revoke them (Admins).
    others = (
        api_token_list(membership=request.membership)
        .exclude(membership=request.membership)
        .order_by("membership__user__email", "-created_at", "-pk")
    )
    return render(request, "api/token_list.html", {"tokens": own, "others": others})


@never_cache
@permission_required(MANAGE_TOKENS)
@require_http_methods(["GET", "POST"])
def token_create(request):
    status = 200
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                token, raw = api_token_create(
                    membership=request.membership,
                    name=form.cleaned_data["name"],
                    expires_at=expiry_after_days(form.cleaned_data.get("expires_in_days")),
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                # Rendered, not redirected: the secret is never kept anywhere to show again.
                context = {"token": token, "raw": raw}
                return render(request, "api/token_created.html", context)
        status = 400
    else:
        form = ApiTokenForm()
    return render(request, "api/token_form.html", {"form": form}, status=status)


@membership_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    token = api_token_get_for(membership=request.membership, pk=pk)
    policy.require(request.membership, MANAGE_TOKENS, token)
    error = None
    if request.method == "POST":
        try:
            api_token_revoke(membership=request.membership, token=token)
        except ValidationError as exc:
            error = exc.message
        else:
            messages.success(
                request, _("The token “%(name)s” no longer works.") % {"name": token.name}
            )
            return redirect("api:token_list")
    context = {"token": token, "error": error}
    return render(request, "api/token_revoke.html", context, status=400 if error else 200)
