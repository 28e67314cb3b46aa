"""Billing pages: invoices (list with totals, detail with lines and the moves), payments and
credit notes, through the kit's pages; the lines of a draft are added on its page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opsbase.core.exceptions import Conflict, NotFound, ValidationError
from opsbase.kernel.policy import policy
from opsbase.kernel.workflows import transitions_available
from opsbase.kit.caching import counts_cached
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
from .forms import CreditNoteForm, InvoiceForm, InvoiceLineForm, PaymentForm
from .selectors import (
    invoice_allocations,
    invoice_counts,
    invoice_credit_notes,
    invoice_lines,
    invoice_totals,
    payment_allocations,
)
from .services import invoice_line_add, invoice_line_remove

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
        context["totals"] = invoice_totals(records)
        return context


class InvoiceDetail(RecordDetailView):
    """The kit's detail, with the lines, the payments and credit notes, and the moves."""

    def context(self, obj: Any) -> dict[str, Any]:
        membership = self.request.membership  # type: ignore[attr-defined]
        context = super().context(obj)
        draft = obj.status == InvoiceStatus.DRAFT
        owed = obj.status in OWED_STATUSES
        may_manage = draft and policy.can(membership, MANAGE, obj)
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
            "may_manage_lines": may_manage,
            "line_form": InvoiceLineForm() if may_manage else None,
            "pay_url": reverse("billing:payment_create") + f"?invoice={obj.pk}"
            if owed and policy.can(membership, RECORD_PAYMENT, obj)
            else "",
            "credit_url": reverse("billing:creditnote_create") + f"?invoice={obj.pk}"
            if owed and policy.can(membership, ISSUE, obj)
            else "",
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
