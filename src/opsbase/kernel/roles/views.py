"""Role pages of an organization: list, create, edit, delete, and create from a template."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.policy import policy
from opsbase.web.decorators import membership_required, permission_required
from opsbase.web.forms import form_add_errors

from .forms import RoleForm, RoleTemplateApplyForm
from .selectors import (
    MANAGE_ROLES,
    role_get_for,
    role_template_get,
    role_template_list,
)
from .selectors import (
    role_list as role_list_query,
)
from .services import role_create as role_create_service
from .services import role_create_from_template, role_update
from .services import role_delete as role_delete_service


@permission_required(MANAGE_ROLES)
def role_list(request):
    context = {
        "roles": role_list_query(membership=request.membership),
        "templates": role_template_list(),
    }
    return render(request, "roles/role_list.html", context)


@permission_required(MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def role_create(request):
    status = 200
    if request.method == "POST":
        form = RoleForm(request.POST)
        if form.is_valid():
            try:
                role = role_create_service(membership=request.membership, **form.cleaned_data)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("The role %(name)s was created.") % {"name": role.name})
                return redirect("roles:role_list")
        status = 400
    else:
        form = RoleForm()
    return render(request, "roles/role_form.html", {"form": form, "role": None}, status=status)


@membership_required
@require_http_methods(["GET", "POST"])
def role_edit(request, pk: int):
    role = role_get_for(membership=request.membership, pk=pk)
    policy.require(request.membership, MANAGE_ROLES, role)
    status = 200
    initial = {"name": role.name, "description": role.description, "permissions": role.permissions}
    if request.method == "POST":
        form = RoleForm(request.POST, role=role, initial=initial)
        if form.is_valid():
            data = form.cleaned_data
            try:
                role_update(
                    membership=request.membership,
                    role=role,
                    name=None if role.is_builtin else data["name"],
                    description=data["description"],
                    permissions=None
                    if form.fields["permissions"].disabled
                    else data["permissions"],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("The role %(name)s was saved.") % {"name": role.name})
                return redirect("roles:role_list")
        status = 400
    else:
        form = RoleForm(role=role, initial=initial)
    return render(request, "roles/role_form.html", {"form": form, "role": role}, status=status)


@membership_required
@require_http_methods(["GET", "POST"])
def role_delete(request, pk: int):
    role = role_get_for(membership=request.membership, pk=pk)
    policy.require(request.membership, MANAGE_ROLES, role)
    error = None
    if request.method == "POST":
        try:
            role_delete_service(membership=request.membership, role=role)
        except ValidationError as exc:
            error = exc.message
        else:
            messages.success(request, _("The role %(name)s was deleted.") % {"name": role.name})
            return redirect("roles:role_list")
    context = {"role": role, "error": error}
    return render(request, "roles/role_delete.html", context, status=400 if error else 200)


@permission_required(MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def role_template_apply(request, slug: str):
    template = role_template_get(slug=slug)
    status = 200
    if request.method == "POST":
        form = RoleTemplateApplyForm(request.POST)
        if form.is_valid():
            try:
                role = role_create_from_template(
                    membership=request.membership, slug=slug, name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The role %(name)s was created from a template; adjust it if needed.")
                    % {"name": role.name},
                )
                return redirect("roles:role_edit", pk=role.pk)
        status = 400
    else:
        form = RoleTemplateApplyForm(initial={"name": str(template["name"])})
    context = {"form": form, "template": template}
    return render(request, "roles/role_template_apply.html", context, status=status)
