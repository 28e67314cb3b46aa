"""Account pages. Sign-in, sign-out and the password flows are Django's views (see urls.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.tenants.selectors import membership_list_for_user

from .forms import ProfileForm
from .services import user_update_profile


@login_required
def profile(request):
    # The concrete row, not request.user's lazy wrapper: services and audit inspect its model.
    user = get_user_model().objects.get(pk=request.user.pk)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                user_update_profile(user=user, membership=request.membership, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.extra.get("fields", {"__all__": [exc.message]}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial={"first_name": user.first_name, "last_name": user.last_name})
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": membership_list_for_user(user=user)},
    )
