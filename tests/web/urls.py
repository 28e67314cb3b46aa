"""Test-only routes around the library's URLconf: pages that raise, or show messages."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import include, path

from opsbase.core.exceptions import PermissionDenied


class _SettingsForm(forms.Form):
    settings = forms.JSONField()


def json_form(request):
    form = _SettingsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return HttpResponse("saved")
    return HttpResponse(str(form.errors), status=400 if request.method == "POST" else 200)


def raise_400(request):
    raise SuspiciousOperation("bad")


def raise_403(request):
    raise DjangoPermissionDenied("Only the owner can see this.")


def raise_opsbase_403(request):
    raise PermissionDenied("Only a Manager can approve invoices.")


def raise_404(request):
    raise Http404("nothing")


def raise_500(request):
    raise RuntimeError("boom")


def with_messages(request):
    messages.success(request, "Saved the pump.")
    messages.error(request, "The valve could not be closed.")
    messages.warning(request, "Stock is low.")
    return render(request, "opsbase/base.html")


def flash(request):
    """A message for the next page (as a form's success does), then that page."""
    messages.success(request, "Saved the pump.")
    return redirect(request.GET.get("next", "/"))


def login_as(request, pk):
    """Sign the browser in as user *pk* (test URLconf only: the browser cannot type forms)."""
    from django.contrib.auth import get_user_model, login

    login(
        request, get_user_model().objects.get(pk=pk), backend=settings.AUTHENTICATION_BACKENDS[-1]
    )
    return redirect(request.GET.get("next", "/"))


def page(request, pk=None):
    return render(request, "opsbase/base.html")


urlpatterns = [
    path("t/400/", raise_400),
    path("t/json-form/", json_form),
    path("t/403/", raise_403),
    path("t/403-policy/", raise_opsbase_403),
    path("t/404/", raise_404),
    path("t/500/", raise_500),
    path("t/messages/", with_messages),
    path("t/flash/", flash),
    path("t/login-as/<int:pk>/", login_as),
    path("t/items/", page, name="webtest_items"),
    path("t/items/<int:pk>/", page, name="webtest_item"),
    path("t/more/", page, name="webtest_more"),
    path("", include("opsbase.urls")),
]

handler400 = "opsbase.web.views.bad_request"
handler403 = "opsbase.web.views.permission_denied"
handler404 = "opsbase.web.views.page_not_found"
handler500 = "opsbase.web.views.server_error"
