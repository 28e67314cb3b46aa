"""Public web forms: a record made by a visitor at ``/<prefix>/<public key>/``, declared once.

A module keeps one concrete model on ``PublicFormBase`` (name, unguessable rotatable key,
redirect URL, assignees taken in turn, active flag) and declares what a post makes::

    class LeadForm(PublicFormBase):
        pipeline = models.ForeignKey(Pipeline, ...)

    LEAD_FORMS = PublicForms(
        model=LeadForm, codename=MANAGE, url_name="lead_public_form",
        submit=PublicRecord(create="opsbase.modules.leads.services.lead_create", ...),
        create_defaults=lambda membership: {"pipeline": pipeline_default(...)},
        manage_template="leads/forms.html",
    )
    urlpatterns = [path("w/<str:key>/", LEAD_FORMS.public_view, name="lead_public_form")]

The public view answers the form (embeddable in a frame, no CSRF: a visitor has no
session), refuses an address past the rate limit with 429 before reading anything, thanks a
bot that filled the honeypot and stores nothing, answers 400 with the field errors on bad
input, and otherwise calls ``submit`` in the form's organization with the tracking the
visit carried (UTM fields and click ids from the query string or the post, the referrer).
The manage page lists the forms with their address and embeddable snippets (an iframe, a
plain HTML form), makes one, and rotates a key.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.core.context import tenant_context
from opsbase.core.exceptions import NotFound, ValidationError
from opsbase.core.middleware import client_ip
from opsbase.core.models import TenantOwnedModel
from opsbase.core.writes import atomic_write, row_lock
from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.web.decorators import membership_required

from .api import MemberField
from .ratelimit import rate_limit_hit
from .selectors import member_choices, record_get_for
from .services import record_create, record_update

logger = logging.getLogger(__name__)

__all__ = [
    "HONEYPOT",
    "TRACKING_FIELDS",
    "PublicFormBase",
    "PublicFormSerializer",
    "PublicFormViewSet",
    "TrackedBase",
    "PublicForms",
    "PublicRecord",
    "VisitorForm",
    "assignee_email",
    "public_form_next_assignee",
    "public_key_new",
    "tracking_of",
]

#: Tracking parameters a visit carries in its query string (or a plain HTML form's post).
TRACKING_FIELDS = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "gclid",
    "fbclid",
    "msclkid",
)
#: The field people never see nor fill: a post that fills it is a bot's.
HONEYPOT = "website"


def public_key_new() -> str:
    """192 random bits: unguessable, and never equal to another (so no unique check that
    would read every organization's forms)."""
    return secrets.token_urlsafe(24)


class PublicFormBase(TenantOwnedModel):
    """A public form's address, where its records go and who receives them in turn."""

    name = models.CharField(gettext_lazy("name"), max_length=100)
    public_key = models.CharField(max_length=64, db_index=True, default=public_key_new)
    redirect_url = models.URLField(gettext_lazy("redirect after sending"), blank=True)
    assignees = models.ManyToManyField("tenants.Membership", blank=True, related_name="+")
    next_assignee = models.PositiveIntegerField(default=0, editable=False)
    is_active = models.BooleanField(gettext_lazy("active"), default=True)

    class Meta:
        # A concrete ``class Meta(PublicFormBase.Meta)`` inherits the order and the index.
        abstract = True
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["tenant", "name"], name="%(class)s_tenant_name")]

    def __str__(self) -> str:
        return self.name


class TrackedBase(models.Model):
    """Where a record came from: the visit's UTM parameters and click ids
    (``TRACKING_FIELDS``) and its referrer, as a public form's post carries them."""

    utm_source = models.CharField(gettext_lazy("UTM source"), max_length=100, blank=True)
    utm_medium = models.CharField(gettext_lazy("UTM medium"), max_length=100, blank=True)
    utm_campaign = models.CharField(gettext_lazy("UTM campaign"), max_length=100, blank=True)
    utm_term = models.CharField(gettext_lazy("UTM term"), max_length=100, blank=True)
    utm_content = models.CharField(gettext_lazy("UTM content"), max_length=100, blank=True)
    gclid = models.CharField(gettext_lazy("Google click id"), max_length=255, blank=True)
    fbclid = models.CharField(gettext_lazy("Facebook click id"), max_length=255, blank=True)
    msclkid = models.CharField(gettext_lazy("Microsoft click id"), max_length=255, blank=True)
    referrer = models.URLField(gettext_lazy("referrer"), max_length=500, blank=True)

    class Meta:
        abstract = True


class VisitorForm(forms.Form):
    """What a visitor says: name, company, e-mail, phone, and the honeypot."""

    name = forms.CharField(label=gettext_lazy("Your name"), max_length=150)
    company = forms.CharField(label=gettext_lazy("Company"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    website = forms.CharField(required=False, label=gettext_lazy("Leave this empty"))


def tracking_of(request: HttpRequest) -> dict[str, str]:
    """The visit's tracking: UTM fields and click ids (the post's over the query string's),
    and the referrer."""
    tracking = {name: request.GET.get(name, "")[:255] for name in TRACKING_FIELDS}
    if request.method == "POST":
        tracking.update({k: request.POST.get(k, tracking[k])[:255] for k in TRACKING_FIELDS})
    tracking["referrer"] = request.META.get("HTTP_REFERER", "")[:500]
    return tracking


def public_form_next_assignee(form: PublicFormBase) -> Membership:
    """The form's next active assignee in turn (round robin, under the form's row lock),
    else the organization's first active Admin; ``NotFound`` when there is none."""
    model = type(form)
    row = row_lock(model, pk=form.pk, tenant_id=form.tenant_id)
    members = list(row.assignees.filter(is_active=True).order_by("pk").select_related("role"))
    if not members:
        admins = Membership.objects.for_tenant(form.tenant_id).filter(
            is_active=True, role__kind=RoleKind.ADMIN
        )
        first = admins.select_related("role", "user").order_by("pk").first()
        if first is None:
            raise NotFound()
        return first
    model._default_manager.for_tenant(form.tenant_id).filter(pk=form.pk).update(
        next_assignee=F("next_assignee") + 1
    )
    return members[row.next_assignee % len(members)]


def assignee_email(
    *, owner: Membership, record: Any, subject: str, template: str, site_url: str = ""
) -> None:
    """E-mail *owner* that *record* is theirs (a link to it); a failure is logged, never
    raised (it runs after the commit)."""
    try:
        url = site_url.rstrip("/") + record.get_absolute_url()
        context = {"record": record, "owner": owner.user, "url": url}
        send_mail(subject, render_to_string(template, context), None, [owner.user.email])
    except Exception:
        logger.exception("Assignment e-mail for %s %s not sent", type(record).__name__, record.pk)


@dataclass(frozen=True)
class PublicRecord:
    """What a visitor's post makes, as a ``PublicForms`` declaration's ``submit``::

        submit=PublicRecord(
            create="opsbase.modules.leads.services.lead_create",
            values=lambda form: {"pipeline": form.pipeline, "source": LeadSource.WEB_FORM},
            subject=lambda lead: _("New lead: %s") % lead,
            template="leads/email/new_lead.txt",
        )

    The record is made by the service at the dotted path *create* (imported on the first
    post), as the form's next assignee, who owns it, with the visitor's *fields*, the visit's
    tracking and ``values(form)``; its owner is e-mailed after the commit."""

    #: Dotted path of the service: ``create(membership=, owner=, **values)``.
    create: str
    subject: Callable[[Any], str]
    template: str
    values: Callable[[Any], Mapping[str, Any]] = lambda form: {}
    fields: Sequence[str] = ("name", "company", "email", "phone")
    #: The tracking the record keeps (those the visit carried).
    tracked: Sequence[str] = (*TRACKING_FIELDS, "referrer")

    @atomic_write
    def __call__(
        self, *, form: Any, data: Mapping[str, Any], tracking: Mapping[str, str], site_url: str = ""
    ) -> Any:
        owner = public_form_next_assignee(form)
        values: dict[str, Any] = {k: v for k, v in tracking.items() if k in self.tracked and v}
        values.update({name: data.get(name, "") for name in self.fields})
        record = import_string(self.create)(
            membership=owner, owner=owner, **values, **self.values(form)
        )
        subject, template = self.subject(record), self.template
        transaction.on_commit(
            lambda: assignee_email(
                owner=owner, record=record, subject=subject, template=template, site_url=site_url
            )
        )
        return record


@dataclass(frozen=True)
class PublicForms:
    """A module's public forms (see the module docstring)."""

    model: type[PublicFormBase]
    codename: str
    url_name: str
    submit: Callable[..., Any]
    create_defaults: Callable[[Membership], dict[str, Any]] = lambda membership: {}
    visitor_form: type[forms.Form] = VisitorForm
    template: str = "kit/public_form.html"
    manage_template: str = "kit/public_forms.html"
    #: Posts per address per ``window`` seconds before 429.
    rate: int = 30
    window: int = 60
    snippet_fields: Sequence[str] = field(default=("name", "email", "company", "phone"))

    # -- services --------------------------------------------------------------------------
    def create(
        self, *, membership: Membership, name: str, assignees: Any = (), **fields: Any
    ) -> Any:
        """A new form (audited); its records go to *assignees* in turn."""
        return public_form_create(
            membership=membership,
            obj=self.model(name=name, **fields),
            codename=self.codename,
            assignees=assignees,
        )

    def update(
        self, *, membership: Membership, form: Any, assignees: Any = None, **changes: Any
    ) -> Any:
        return public_form_update(
            membership=membership,
            form=form,
            codename=self.codename,
            assignees=assignees,
            changes=changes,
        )

    def rotate(self, *, membership: Membership, form: Any) -> Any:
        """A new key: the old address stops answering at once."""
        return record_update(
            membership=membership,
            obj=form,
            codename=self.codename,
            changes={"public_key": public_key_new()},
        )

    # -- reads -----------------------------------------------------------------------------
    def list(self, membership: Membership) -> Any:
        forms_ = self.model._default_manager.for_tenant(membership.tenant_id)
        return forms_.prefetch_related("assignees__user")  # type: ignore[misc]

    def by_key(self, key: str) -> Any:
        """The active form of *key*, any organization's: the key is the credential."""
        return (
            self.model._default_manager.unscoped()
            .filter(public_key=key, is_active=True)
            .select_related("tenant")
            .first()
        )

    def address(self, form: Any) -> str:
        return reverse(self.url_name, args=[form.public_key])

    # -- pages -----------------------------------------------------------------------------
    @property
    def public_view(self) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @xframe_options_exempt
        def view(request: HttpRequest, key: str) -> HttpResponse:
            return self._public(request, key)

        return view

    def _public(self, request: HttpRequest, key: str) -> HttpResponse:
        found = self.by_key(key)
        if found is None:
            return render(request, self.template, {"missing": True}, status=404)
        if request.method != "POST":
            return render(request, self.template, {"form": self.visitor_form()})
        scope = f"{self.model._meta.label_lower}.post"
        if not rate_limit_hit(scope, client_ip(request) or "-", self.rate, self.window):
            return HttpResponse(_("Too many requests; try again in a minute."), status=429)
        form = self.visitor_form(request.POST)
        if not form.is_valid():
            return render(request, self.template, {"form": form}, status=400)
        if not form.cleaned_data.get(HONEYPOT):
            try:
                # A visitor is no member: the request binds no organization; the form's does.
                with tenant_context(found.tenant_id):
                    self.submit(
                        form=found,
                        data=form.cleaned_data,
                        tracking=tracking_of(request),
                        site_url=request.build_absolute_uri("/"),
                    )
            except ValidationError as exc:
                for name, errors in (exc.extra.get("fields") or {}).items():
                    form.add_error(name if name in form.fields else None, errors)
                return render(request, self.template, {"form": form}, status=400)
        if found.redirect_url:
            return redirect(found.redirect_url)
        return render(request, self.template, {"thanks": True})

    @property
    def manage_view(self) -> Callable[..., HttpResponse]:
        @membership_required
        def view(request: HttpRequest) -> HttpResponse:
            return self._manage(request)

        return view

    def _manage(self, request: HttpRequest) -> HttpResponse:
        membership = request.membership  # type: ignore[attr-defined]
        policy.require(membership, self.codename)
        if request.method == "POST":
            if request.POST.get("rotate"):
                wanted = str(request.POST["rotate"])
                found = self.list(membership).filter(pk=int(wanted) if wanted.isdigit() else 0)
                if found.exists():
                    self.rotate(membership=membership, form=found.get())
                    messages.success(
                        request, _("The form has a new address; the old one is closed.")
                    )
            else:
                chosen = [p for p in request.POST.getlist("assignees") if p.isdigit()]
                name = request.POST.get("name", "").strip()[:100] or _("Contact us")
                self.create(
                    membership=membership,
                    name=name,
                    assignees=list(member_choices(membership=membership).filter(pk__in=chosen)),
                    redirect_url=request.POST.get("redirect_url", "").strip()[:200],
                    **self.create_defaults(membership),
                )
                messages.success(request, _("Form “%s” created.") % name)
            return redirect(request.path)
        shown = [
            {
                "form": f,
                "path": self.address(f),
                "url": request.build_absolute_uri(self.address(f)),
            }
            for f in self.list(membership)
        ]
        context = {
            "forms": shown,
            "members": member_choices(membership=membership),
            "snippet_fields": self.snippet_fields,
            "honeypot": HONEYPOT,
        }
        return render(request, self.manage_template, context)


@atomic_write
def public_form_create(
    *, membership: Membership, obj: PublicFormBase, codename: str, assignees: Any = ()
) -> Any:
    form = record_create(membership=membership, obj=obj, codename=codename)
    form.assignees.set(list(assignees))
    return form


@atomic_write
def public_form_update(
    *,
    membership: Membership,
    form: PublicFormBase,
    codename: str,
    changes: Mapping[str, Any],
    assignees: Any = None,
) -> Any:
    record_update(membership=membership, obj=form, codename=codename, changes=dict(changes))
    if assignees is not None:
        form.assignees.set(list(assignees))
    return form


class PublicFormSerializer(serializers.ModelSerializer):
    """A public form as the API shows it: a module's subclass sets ``Meta.model`` and adds
    its own fields (``fields = [*PublicFormSerializer.Meta.fields, "pipeline"]``)."""

    assignees = MemberField(many=True, required=False)
    url = serializers.SerializerMethodField()

    class Meta:
        fields = ["id", "name", "redirect_url", "assignees", "is_active", "public_key", "url"]
        read_only_fields = ["public_key"]

    def get_url(self, form: Any) -> str:
        return str(self.context["forms"].address(form))


class PublicFormViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A module's public forms: list, retrieve, create, change, rotate (``forms.codename``)."""

    forms: PublicForms

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        policy.require(request.membership, self.forms.codename)

    def get_serializer_context(self) -> dict[str, Any]:
        # In the context, so that a list's every row (a ListSerializer's child) sees it too.
        return {**super().get_serializer_context(), "forms": self.forms}

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.forms.model._default_manager.unscoped().none()
        return self.forms.list(self.request.membership)  # type: ignore[attr-defined]

    def get_object(self) -> Any:
        return record_get_for(
            self.forms.model,
            membership=self.request.membership,  # type: ignore[attr-defined]
            pk=self.kwargs["pk"],
            codename=self.forms.codename,
        )

    def _data(self, instance: Any = None, partial: bool = False) -> dict[str, Any]:
        data = self.get_serializer(instance, data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def create(self, request: Any) -> Response:
        form = self.forms.create(membership=request.membership, **self._data())
        return Response(self.get_serializer(form).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Any, pk: Any = None) -> Response:
        form = self.get_object()
        data = self._data(form, partial=True)
        form = self.forms.update(membership=request.membership, form=form, **data)
        return Response(self.get_serializer(form).data)

    @extend_schema(request=None, summary="A new public key (the old address stops answering)")
    @action(detail=True, methods=["post"])
    def rotate(self, request: Any, pk: Any = None) -> Response:
        form = self.forms.rotate(membership=request.membership, form=self.get_object())
        return Response(self.get_serializer(form).data)
