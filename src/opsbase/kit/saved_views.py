"""Saved views: a member's named filters of a list, kept per list and shareable as its URL.

The list page offers its module's preset views (``ListPage.views``) and the member's own in
its Views menu; the member's own are read when the menu opens (htmx), never while the list
itself is computed, so a list page costs no query for them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

from .models import SavedView
from .views import PageView

#: Query keys a view does not keep: where the list was, and what it was exported as.
TRANSIENT = ("page", "format")


def saved_view_list(*, membership: Membership, list_name: str) -> QuerySet[SavedView]:
    """The views *membership* saved of the list *list_name*, by name."""
    return SavedView.objects.for_tenant(membership.tenant_id).filter(
        membership=membership, list_name=list_name
    )


def _clean_query(query: str) -> str:
    kept = QueryDict(query, mutable=True)
    for key in TRANSIENT:
        kept.pop(key, None)
    return kept.urlencode()


@transaction.atomic
def saved_view_save(*, membership: Membership, list_name: str, name: str, query: str) -> SavedView:
    """Keep *query* as *membership*'s view *name* of the list (the same name: replaced)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(extra={"fields": {"name": [_("Give the view a name.")]}})
    if len(name) > 80:
        raise ValidationError(extra={"fields": {"name": [_("At most 80 characters.")]}})
    view, _created = SavedView.objects.for_tenant(membership.tenant_id).update_or_create(
        tenant_id=membership.tenant_id,
        membership=membership,
        list_name=list_name,
        name=name,
        defaults={"query": _clean_query(query)[:1000]},
    )
    return view


def saved_view_delete(*, membership: Membership, pk: int) -> None:
    """Forget *membership*'s saved view *pk* (another member's: nothing happens)."""
    SavedView.objects.for_tenant(membership.tenant_id).filter(membership=membership, pk=pk).delete()


class SavedViewsView(PageView):
    """GET ``?list=<page>``: the member's views of that list (the Views menu's items, for
    htmx). POST ``list``, ``name``, ``query``: save one; ``delete=<pk>``: forget one."""

    page = "views"
    http_method_names: ClassVar[list[str]] = ["get", "post"]  # type: ignore[misc]

    def list_page(self, name: str) -> Any:
        for page in self.pages.lists:
            if page.name == name:
                membership = self.request.membership  # type: ignore[attr-defined]
                policy.require(membership, page.codename)
                return page
        return None

    def key(self, page: Any) -> str:
        return self.pages.list_url_name(page.name)

    def get(self, request: HttpRequest) -> HttpResponseBase:
        page = self.list_page(request.GET.get("list", ""))
        if page is None:
            return HttpResponse(status=404)
        membership = request.membership  # type: ignore[attr-defined]
        here = reverse(self.pages.list_url_name(page.name))
        views = [
            {"pk": v.pk, "name": v.name, "url": f"{here}?{v.query}" if v.query else here}
            for v in saved_view_list(membership=membership, list_name=self.key(page))
        ]
        context = {
            **self.base_context(),
            "views": views,
            "list_page": page,
            "views_url": self.url("views"),
        }
        return render(request, "kit/_saved_views.html", context)

    def post(self, request: HttpRequest) -> HttpResponseBase:
        membership = request.membership  # type: ignore[attr-defined]
        page = self.list_page(request.POST.get("list", ""))
        if page is None:
            return HttpResponse(status=404)
        here = reverse(self.pages.list_url_name(page.name))
        if "delete" in request.POST:
            try:
                pk = int(request.POST["delete"])
            except ValueError:
                return HttpResponse(status=400)
            saved_view_delete(membership=membership, pk=pk)
            messages.success(request, _("The view was removed."))
            return redirect(here)
        query = request.POST.get("query", "")
        try:
            view = saved_view_save(
                membership=membership,
                list_name=self.key(page),
                name=request.POST.get("name", ""),
                query=query,
            )
        except ValidationError as exc:
            errors = exc.extra.get("fields", {}).get("name", [exc.message])
            messages.error(request, " ".join(str(e) for e in errors))
            return redirect(f"{here}?{_clean_query(query)}")
        messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
        return redirect(f"{here}?{view.query}" if view.query else here)
