"""Billing API: ``/api/v1/invoices/`` (with lines, and ``issue/``, ``void/``, ``pay/``),
``/api/v1/payments/`` and ``/api/v1/credit-notes/``: the kit's viewsets over the entities."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.api.schema import ErrorSerializer
from opsbase.kit.api import TenantModelViewSet

from .entity import CREDIT_NOTES, INVOICES, PAYMENTS
from .serializers import (
    CreditNoteSerializer,
    InvoiceSerializer,
    PaymentSerializer,
    PaySerializer,
    SendSerializer,
    SentSerializer,
    VoidSerializer,
)
from .services import invoice_issue, invoice_pay, invoice_send, invoice_void

_REFUSED = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class InvoiceViewSet(TenantModelViewSet):
    """Invoices of the caller's organization."""

    entity = INVOICES
    serializer_class = InvoiceSerializer
    example = {
        "id": 7,
        "number": "INV-2026-0007",
        "customer": 12,
        "customer_name": "Northwind Drilling",
        "status": "open",
        "status_label": "Open",
        "currency": "EUR",
        "issue_date": "2026-03-02",
        "due_date": "2026-04-01",
        "is_overdue": False,
        "subtotal": "1000.000",
        "tax_total": "210.000",
        "total": "1210.000",
        "amount_paid": "0.000",
        "amount_credited": "0.000",
        "balance": "1210.00",
        "notes": "",
        "lines": [
            {
                "id": 31,
                "description": "Bit inspection",
                "quantity": "4.000",
                "unit_amount": "250.000",
                "tax_rate": "21.00",
                "product": None,
                "net_amount": "1000.00",
                "tax_amount": "210.00",
            }
        ],
    }
    create_example = {
        "customer": 12,
        "due_date": "2026-04-01",
        "lines": [{"description": "Bit inspection", "quantity": "4", "unit_amount": "250.00"}],
    }
    invalid_example = {"customer": ["Choose a customer of this organization."]}
    patch_example = {"notes": "PO 4471"}
    more_responses: ClassVar[dict[str, dict[int, Any]]] = {
        "update": {409: ErrorSerializer},
        "partial_update": {409: ErrorSerializer},
        "destroy": {204: None, 409: ErrorSerializer},
    }
    docs = {
        "list": {
            "description": "Filters: `status`, `customer`, `currency`, `due_from`, `due_to`, "
            "`overdue`, `q` (number, customer, notes); `ordering`."
        },
        "create": {
            "summary": "Create a draft invoice",
            "description": "A draft with its lines; it has no number until it is issued.",
        },
        "update": {
            "summary": "Replace a draft",
            "description": "409 once issued: an issued invoice changes only through a credit "
            "note or a void.",
        },
        "partial_update": {
            "summary": "Change a draft",
            "description": "Sent `lines` replace all its lines. 409 once issued.",
        },
        "destroy": {"summary": "Delete a draft", "description": "409 once issued."},
    }

    @extend_schema(request=None, responses={200: InvoiceSerializer, **_REFUSED}, summary="Issue")
    @action(detail=True, methods=["post"])
    def issue(self, request: Any, pk: Any = None) -> Response:
        """Give the draft the next number of the organization's sequence; it is then Open
        and immutable. 400 without a line."""
        invoice = invoice_issue(membership=request.membership, invoice=self.get_object())
        return self._answer(invoice)

    @extend_schema(
        request=VoidSerializer, responses={200: InvoiceSerializer, **_REFUSED}, summary="Void"
    )
    @action(detail=True, methods=["post"])
    def void(self, request: Any, pk: Any = None) -> Response:
        """Void an open or uncollectible invoice on which nothing was paid (400 otherwise)."""
        invoice = self.get_object()
        data = VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice_void(membership=request.membership, invoice=invoice, **data.validated_data)
        return self._answer(invoice)

    @extend_schema(
        request=PaySerializer,
        responses={200: InvoiceSerializer, **_REFUSED},
        summary="Record a payment of this invoice",
    )
    @action(detail=True, methods=["post"])
    def pay(self, request: Any, pk: Any = None) -> Response:
        """A payment allocated to this invoice: its balance, or the ``amount`` given (at most
        the balance). Paid in full, the invoice is Paid."""
        invoice = self.get_object()
        data = PaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice_pay(membership=request.membership, invoice=invoice, **data.validated_data)
        return self._answer(invoice)

    @extend_schema(
        request=SendSerializer,
        responses={202: SentSerializer, 409: ErrorSerializer, **_REFUSED},
        summary="E-mail the invoice to its customer",
    )
    @action(detail=True, methods=["post"])
    def send(self, request: Any, pk: Any = None) -> Response:
        """Queue an e-mail of the invoice, its PDF attached, with the customer's link: to the
        customer's address, or ``to``. 202 once queued (sent after the commit by a job); 409
        for a draft or a void invoice; 400 when there is no address."""
        invoice = self.get_object()
        data = SendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to = invoice_send(
            membership=request.membership,
            invoice=invoice,
            to=data.validated_data.get("to", ""),
            site_url=request.build_absolute_uri("/"),
        )
        return Response({"to": to}, status=202)


class _RecordedViewSet(TenantModelViewSet):
    """Documents that are recorded, never edited nor deleted."""

    http_method_names: ClassVar[list[str]] = ["get", "post", "head", "options"]  # type: ignore[misc]


class PaymentViewSet(_RecordedViewSet):
    """Payments received by the caller's organization."""

    entity = PAYMENTS
    serializer_class = PaymentSerializer
    example = {
        "id": 3,
        "received_on": "2026-03-10",
        "customer": 12,
        "customer_name": "Northwind Drilling",
        "amount": "500.000",
        "currency": "EUR",
        "method": "bank_transfer",
        "reference": "SEPA 2026-03-10",
        "gateway": "manual",
        "gateway_id": None,
        "allocations": [{"invoice": 7, "invoice_number": "INV-2026-0007", "amount": "500.000"}],
    }
    create_example = {
        "customer": 12,
        "amount": "500.00",
        "reference": "SEPA 2026-03-10",
        "allocations": [{"invoice": 7, "amount": "500.00"}],
    }
    invalid_example = {"allocations": ["600.00 is more than the balance of INV-2026-0007."]}


class CreditNoteViewSet(_RecordedViewSet):
    """Credit notes of the caller's organization."""

    entity = CREDIT_NOTES
    serializer_class = CreditNoteSerializer
    example = {
        "id": 2,
        "number": "CN-2026-0002",
        "invoice": 7,
        "invoice_number": "INV-2026-0007",
        "customer_name": "Northwind Drilling",
        "amount": "100.000",
        "currency": "EUR",
        "issue_date": "2026-03-12",
        "reason": "One inspection was not done.",
    }
    create_example = {"invoice": 7, "amount": "100.00", "reason": "One inspection was not done."}
    invalid_example = {"amount": ["At most the balance, 50.00 EUR."]}
