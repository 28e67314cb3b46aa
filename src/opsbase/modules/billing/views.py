"""Billing pages: invoices (list with totals, detail with lines and the moves), payments and
credit notes, through the kit's pages; the lines of a draft are added on its page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opsbase.core.exceptions import Conflict, NotFound, ValidationError
from opsbase.kernel.policy import policy
from opsbase.kernel.workflows import transitions_available
from opsbase.kit.caching import counts_cached
from opsbase.kit.money import money_text
from opsbase.kit.views import (
    ListPage,
    Pages,
    RecordDeleteView,
    RecordDetailView,
    RecordFormView,
    RecordListView,
)
from opsbase.web.decorators import membership_required

from .constants import ISSUE, MANAGE, OWED_STATUSES, RECORD_PAYMENT, VIEW, InvoiceStatus
from .entity import CREDIT_NOTES, INVOICES, PAYMENTS
from .forms import BillingProfileForm, CreditNoteForm, InvoiceForm, InvoiceLineForm, PaymentForm
from .selectors import (
    billing_profile_get,
    invoice_allocations,
    invoice_counts,
    invoice_credit_notes,
    invoice_lines,
    invoice_month_figures,
    invoice_totals,
    payment_allocations,
)
from .services import (
    billing_profile_update,
    invoice_line_add,
    invoice_line_remove,
    invoice_link_rotate,
    invoice_send,
)

STATUS_VIEWS = (
    (gettext_lazy("Drafts"), "status=draft"),
    (gettext_lazy("Open"), "status=open"),
    (gettext_lazy("Overdue"), "overdue=true"),
    (gettext_lazy("Paid"), "status=paid"),
)


class InvoiceList(RecordListView):
    """The kit's list, with the filtered invoices' totals and balances per currency."""

    def content_context(self) -> dict[str, Any]:
        context = super().content_context()
        _filterset, records = self.filtered()
        context["totals"] = [
            {
                **total,
                "invoiced": money_text(total["invoiced"], total["currency"]),
                "owed": money_text(total["owed"], total["currency"]),
            }
            for total in invoice_totals(records)
        ]
        return context


class InvoiceDetail(RecordDetailView):
    """The kit's detail, with the lines, the payments and credit notes, and the moves."""

    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        context = super().context(obj)
        draft = obj.status == InvoiceStatus.DRAFT
        owed = obj.status in OWED_STATUSES
        may_manage = draft and policy.can(membership, MANAGE, obj)
        shareable = obj.status not in (InvoiceStatus.DRAFT, InvoiceStatus.VOID) and policy.can(
            membership, ISSUE, obj
        )
        public_path = (
            reverse("billing_invoice_public", args=[obj.link_token])
            if shareable and obj.link_token
            else ""
        )
        return {
            **context,
            "may_edit": context["may_edit"] and draft,
            "may_delete": context["may_delete"] and draft,
            "lines": invoice_lines(invoice=obj),
            "allocations": invoice_allocations(invoice=obj),
            "credit_notes": invoice_credit_notes(invoice=obj),
            "moves": [
                o
                for o in transitions_available(membership=membership, obj=obj)
                if o.name != "settle"
            ],
            "transition_url": reverse("billing:invoice_transition", args=[obj.pk]),
            "pdf_url": reverse("billing:invoice_pdf", args=[obj.pk]),
            "may_manage_lines": may_manage,
            "line_form": InvoiceLineForm() if may_manage else None,
            "pay_url": reverse("billing:payment_create") + f"?invoice={obj.pk}"
            if owed and policy.can(membership, RECORD_PAYMENT, obj)
            else "",
            "credit_url": reverse("billing:creditnote_create") + f"?invoice={obj.pk}"
            if owed and policy.can(membership, ISSUE, obj)
            else "",
            "send_url": reverse("billing:invoice_send", args=[obj.pk]) if shareable else "",
            "rotate_url": reverse("billing:invoice_link_rotate", args=[obj.pk])
            if shareable
            else "",
            "public_path": public_path,
            "public_url": self.request.build_absolute_uri(public_path) if public_path else "",
            "customer_email": obj.customer.email if shareable else "",
        }


class PaymentDetail(RecordDetailView):
    def context(self, obj: Any) -> dict[str, Any]:
        return {**super().context(obj), "allocations": payment_allocations(payment=obj)}


class RecordedFormView(RecordFormView):
    """A new payment or credit note (there is no editing one: a mistake is answered by
    another document). ``?invoice=<id>`` chooses the invoice."""

    def target(self, pk: int | None) -> Any:
        if pk is not None:
            raise NotFound()
        return super().target(pk)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        self.target(pk)
        membership = request.membership  # type: ignore[attr-defined]
        initial: dict[str, Any] = {}
        wanted = request.GET.get("invoice", "")
        if wanted.isdigit():
            invoice = INVOICES.record(membership, wanted)
            initial = {"invoice": invoice.pk, "amount": invoice.balance}
        form = self.pages.form_class(membership=membership, initial=initial)
        return self.show(form, None)


class RecordedDeleteView(RecordDeleteView):
    def target(self, pk: int) -> Any:
        raise NotFound()


class InvoicePages(Pages):
    entity = INVOICES
    form_class = InvoiceForm
    list_view = InvoiceList
    detail_view = InvoiceDetail
    lists = (
        ListPage(
            "invoice_list",
            "",
            codename=VIEW,
            heading=gettext_lazy("Invoices"),
            empty_title=gettext_lazy("No invoices yet."),
            empty_text=gettext_lazy("Draft an invoice, add its lines, then issue it."),
            icon="receipt",
            views=STATUS_VIEWS,
        ),
    )


class PaymentPages(Pages):
    entity = PAYMENTS
    form_class = PaymentForm
    detail_view = PaymentDetail
    form_view = RecordedFormView
    delete_view = RecordedDeleteView
    lists = (
        ListPage(
            "payment_list",
            "",
            codename=VIEW,
            heading=gettext_lazy("Payments"),
            empty_title=gettext_lazy("No payments yet."),
            empty_text=gettext_lazy("Payments you record against invoices show up here."),
            icon="cash-coin",
        ),
    )


class CreditNotePages(Pages):
    entity = CREDIT_NOTES
    form_class = CreditNoteForm
    form_view = RecordedFormView
    delete_view = RecordedDeleteView
    lists = (
        ListPage(
            "creditnote_list",
            "",
            codename=VIEW,
            heading=gettext_lazy("Credit notes"),
            empty_title=gettext_lazy("No credit notes yet."),
            icon="receipt-cutoff",
        ),
    )


def _back(pk: int) -> HttpResponse:
    return redirect("billing:invoice_detail", pk=pk)


@membership_required
def invoice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice as a PDF (a draft's is marked DRAFT), shown in the browser."""
    from .documents import invoice_pdf

    invoice = INVOICES.record(request.membership, pk)  # type: ignore[attr-defined]
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    name = invoice.number or f"draft-{invoice.pk}"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@require_POST
@membership_required
def invoice_line_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A line added to a draft from its page."""
    membership = request.membership  # type: ignore[attr-defined]
    invoice = INVOICES.record(membership, pk)
    policy.require(membership, MANAGE, invoice)
    form = InvoiceLineForm(request.POST)
    if form.is_valid():
        try:
            invoice_line_add(membership=membership, invoice=invoice, **form.cleaned_data)
        except (ValidationError, Conflict) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Line added."))
            return _back(invoice.pk)
    else:
        errors = " ".join(
            f"{form.fields[k].label}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()
        )
        messages.error(request, errors)
    return _back(invoice.pk)


@require_POST
@membership_required
def invoice_line_remove_view(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    """A line taken off a draft."""
    membership = request.membership  # type: ignore[attr-defined]
    invoice = INVOICES.record(membership, pk)
    try:
        invoice_line_remove(membership=membership, invoice=invoice, line_id=line)
    except (ValidationError, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Line removed."))
    return _back(invoice.pk)


@require_POST
@membership_required
def invoice_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail the invoice to its customer (or to the address typed), its PDF attached."""
    membership = request.membership  # type: ignore[attr-defined]
    invoice = INVOICES.record(membership, pk)
    try:
        to = invoice_send(
            membership=membership,
            invoice=invoice,
            to=request.POST.get("to", "").strip(),
            site_url=request.build_absolute_uri("/"),
        )
    except (ValidationError, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invoice is on its way to %(to)s.") % {"to": to})
    return _back(invoice.pk)


@require_POST
@membership_required
def invoice_link_rotate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A new customer link for the invoice; the old one stops working."""
    membership = request.membership  # type: ignore[attr-defined]
    invoice = INVOICES.record(membership, pk)
    try:
        invoice_link_rotate(membership=membership, invoice=invoice)
    except (ValidationError, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The customer link was renewed; the old one no longer works."))
    return _back(invoice.pk)


@membership_required
def billing_profile_view(request: HttpRequest) -> HttpResponse:
    """The organization's billing profile (``billing.manage``)."""
    membership = request.membership  # type: ignore[attr-defined]
    policy.require(membership, MANAGE)
    profile = billing_profile_get(tenant_id=membership.tenant_id)
    status = 200
    if request.method == "POST":
        form = BillingProfileForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            clear = bool(data.pop("clear_logo", False))
            try:
                billing_profile_update(membership=membership, clear_logo=clear, **data)
            except ValidationError as exc:
                for name, errors in (exc.extra.get("fields") or {}).items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("Billing settings saved."))
                return redirect("billing:profile")
        status = 400
    else:
        form = BillingProfileForm(
            initial={
                "legal_name": profile.legal_name,
                "address": profile.address,
                "tax_id": profile.tax_id,
                "email": profile.email,
                "sender_name": profile.sender_name,
                "payment_terms_days": profile.payment_terms_days,
                "reminder_offsets": profile.reminder_offsets,
            }
        )
    from .documents import logo_data_url

    context = {"form": form, "profile": profile, "logo": logo_data_url(profile)}
    return render(request, "billing/profile_form.html", context, status=status)


def invoice_dashboard_counts(membership: Any) -> list[tuple[object, int, str | None]]:
    """The dashboard's billing counts (cached per tenant version)."""
    counts = counts_cached(
        "billing.invoice:counts", membership, VIEW, lambda: invoice_counts(membership=membership)
    )
    shown = reverse("billing:invoice_list")
    return [
        (_("Issued this month"), counts["issued"], None),
        (_("Outstanding"), counts["open"], f"{shown}?status=open"),
        (_("Overdue"), counts["overdue"], f"{shown}?overdue=true"),
        (_("Paid"), counts["paid"], f"{shown}?status=paid"),
    ]


def _figure(figure: dict[str, Any]) -> str:
    """``3 · €1,242.00`` (amounts per currency, in the active language)."""
    from babel.numbers import format_currency
    from django.utils import translation

    locale = translation.to_locale(translation.get_language() or "en")
    amounts = [
        format_currency(amount, currency, locale=locale)
        for currency, amount in sorted(figure["amounts"].items())
    ]
    return " · ".join([str(figure["count"]), *amounts]) if amounts else str(figure["count"])


def _month_card(index: int) -> Any:
    def counts(membership: Any) -> list[tuple[object, Any, str | None]]:
        figures = counts_cached(
            "billing.invoice:months",
            membership,
            VIEW,
            lambda: invoice_month_figures(membership=membership),
        )
        month = figures[index]
        shown = reverse("billing:invoice_list")
        return [
            (_("Issued"), _figure(month["issued"]), None),
            (_("Paid"), _figure(month["paid"]), None),
            (_("Outstanding"), _figure(month["outstanding"]), f"{shown}?status=open"),
            (_("Overdue"), _figure(month["overdue"]), f"{shown}?overdue=true"),
        ]

    return counts


#: The dashboard's month cards: this month's figures, and the previous month's.
invoice_this_month_counts = _month_card(0)
invoice_last_month_counts = _month_card(1)
