"""Billing's records as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import ISSUE, MANAGE, RECORD_PAYMENT, VIEW
from .filters import CreditNoteFilter, InvoiceFilter, PaymentFilter
from .models import CreditNote, Invoice, Payment
from .selectors import (
    CREDIT_NOTE_ROWS,
    INVOICE_RELATED,
    INVOICE_ROWS,
    PAYMENT_ROWS,
    credit_note_list,
    invoice_get_for,
    invoice_list,
    payment_list,
)
from .services import (
    credit_note_create,
    invoice_create,
    invoice_delete,
    invoice_transition,
    invoice_update,
    payment_record,
)

INVOICES = Entity(
    model=Invoice,
    rows=INVOICE_ROWS,
    codenames=Codenames(view=VIEW, add=MANAGE, change=MANAGE, delete=MANAGE),
    related=INVOICE_RELATED,
    filterset=InvoiceFilter,
    list=invoice_list,
    get=invoice_get_for,
    create=invoice_create,
    update=invoice_update,
    delete=invoice_delete,
    transition=invoice_transition,
)

# Payments and credit notes are recorded, never edited nor deleted: a mistake is answered
# by another document (a credit note, a refund), so the history stays whole.
PAYMENTS = Entity(
    model=Payment,
    rows=PAYMENT_ROWS,
    codenames=Codenames(view=VIEW, add=RECORD_PAYMENT),
    related=("customer",),
    filterset=PaymentFilter,
    list=payment_list,
    create=payment_record,
)

CREDIT_NOTES = Entity(
    model=CreditNote,
    rows=CREDIT_NOTE_ROWS,
    codenames=Codenames(view=VIEW, add=ISSUE),
    related=("invoice__customer",),
    filterset=CreditNoteFilter,
    list=credit_note_list,
    create=credit_note_create,
)
