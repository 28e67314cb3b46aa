"""Member and invitation pages of an organization, and the invitation link itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.selectors import role_builtin
from opsbase.web.decorators import membership_required, permission_required
from opsbase.web.forms import form_add_errors

from .forms import InvitationForm, MembershipRoleForm
from .selectors import (
    INVITATION_PROBLEMS,
    MANAGE_INVITATIONS,
    MANAGE_MEMBERS,
    SESSION_KEY,
    invitation_get_by_token,
    invitation_get_for,
    invitation_list,
    invitation_problem,
    membership_get_for,
    membership_list,
)
from .services import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
)

# Links that were real but can no longer be used answer 410 Gone.
_GONE = frozenset({"accepted", "revoked", "expired", "inactive"})

# Object pages look the object up first (another tenant's: 404) and then ask the policy
# (403 with its reason), so a foreign id never reveals more than "not found".


@permission_required(MANAGE_MEMBERS)
def member_list(request):
    members = membership_list(membership=request.membership)
    return render(request, "tenants/member_list.html", {"members": members})


@membership_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int):
    target = membership_get_for(membership=request.membership, pk=pk)
    policy.require(request.membership, MANAGE_MEMBERS, target)
    status = 200
    if request.method == "POST":
        form = MembershipRoleForm(request.POST, membership=request.membership)
        if form.is_valid():
            try:
                membership_change_role(
                    membership=request.membership, target=target, role=form.cleaned_data["role"]
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(who)s now has the role %(role)s.")
                    % {"who": target.user.email, "role": form.cleaned_data["role"].name},
                )
                return redirect("tenants:member_list")
        status = 400
    else:
        form = MembershipRoleForm(membership=request.membership, initial={"role": target.role_id})
    return render(
        request, "tenants/member_edit.html", {"form": form, "target": target}, status=status
    )


def _member_toggle(request, pk: int, *, activate: bool):
    target = membership_get_for(membership=request.membership, pk=pk)
    policy.require(request.membership, MANAGE_MEMBERS, target)
    error = None
    if request.method == "POST":
        service = membership_reactivate if activate else membership_deactivate
        try:
            service(membership=request.membership, target=target)
        except ValidationError as exc:
            error = exc.message
        else:
            done = (
                _("%(who)s can use the organization again.")
                if activate
                else _("%(who)s can no longer use the organization.")
            )
            messages.success(request, done % {"who": target.user.email})
            return redirect("tenants:member_list")
    context = {"target": target, "activate": activate, "error": error}
    return render(request, "tenants/member_toggle.html", context, status=400 if error else 200)


@membership_required
@require_http_methods(["GET", "POST"])
def member_deactivate(request, pk: int):
    return _member_toggle(request, pk, activate=False)


@membership_required
@require_http_methods(["GET", "POST"])
def member_reactivate(request, pk: int):
    return _member_toggle(request, pk, activate=True)


@permission_required(MANAGE_INVITATIONS)
def invitation_list_view(request):
    invitations = invitation_list(membership=request.membership)
    return render(request, "tenants/invitation_list.html", {"invitations": invitations})


@permission_required(MANAGE_INVITATIONS)
@require_http_methods(["GET", "POST"])
def invitation_create_view(request):
    status = 200
    if request.method == "POST":
        form = InvitationForm(request.POST, membership=request.membership)
        if form.is_valid():
            try:
                invitation = invitation_create(
                    membership=request.membership,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    site_url=request.build_absolute_uri("/"),
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
                )
                return redirect("tenants:invitation_list")
        status = 400
    else:
        # The least an invitee can get is preselected: the built-in User role.
        default = role_builtin(membership=request.membership, kind=RoleKind.USER)
        form = InvitationForm(membership=request.membership, initial={"role": default})
    return render(request, "tenants/invitation_form.html", {"form": form}, status=status)


@membership_required
@require_http_methods(["GET", "POST"])
def invitation_revoke_view(request, pk: int):
    invitation = invitation_get_for(membership=request.membership, pk=pk)
    policy.require(request.membership, MANAGE_INVITATIONS, invitation)
    error = None
    if request.method == "POST":
        try:
            invitation_revoke(membership=request.membership, invitation=invitation)
        except ValidationError as exc:
            error = exc.message
        else:
            messages.success(
                request, _("The invitation of %(email)s was revoked.") % {"email": invitation.email}
            )
            return redirect("tenants:invitation_list")
    return render(
        request,
        "tenants/invitation_revoke.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token: str):
    """The e-mailed link: sign in first, then accept (POST) and act in the new organization."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    invitation = invitation_get_by_token(token=token)
    problem = invitation_problem(invitation=invitation, user=request.user)
    if request.method == "POST" and problem is None:
        try:
            member = invitation_accept(token=token, user=request.user)
        except ValidationError as exc:
            problem = exc.extra.get("reason", "unknown")
        else:
            request.session[SESSION_KEY] = member.tenant_id
            messages.success(
                request,
                _("Welcome to %(tenant)s. You joined as %(role)s.")
                % {"tenant": member.tenant.name, "role": member.role.name},
            )
            return redirect("web:home")
    if problem is not None:
        context = {
            "problem": problem,
            "message": INVITATION_PROBLEMS[problem],
            "invitation": invitation if problem not in ("unknown",) else None,
        }
        # The link cannot be used: say why, in a normal page (the link was real, or was not).
        return render(
            request,
            "tenants/invitation_unusable.html",
            context,
            status=404 if problem == "unknown" else 410 if problem in _GONE else 400,
        )
    return render(request, "tenants/invitation_accept.html", {"invitation": invitation})
