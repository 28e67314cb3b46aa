"""Every page and API action of billing, for every role × own / other / foreign record: each
answers as the policy decides (Admin 2xx, Manager and User 403, another organization's
record 404), and every page passes the HTML checker. A User's token gets 403 on every billing
endpoint; Globex's token gets 404 on Acme's invoices."""

import pytest
from django.urls import reverse

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.billing.api import CreditNoteViewSet, InvoiceViewSet, PaymentViewSet
from opsbase.modules.billing.constants import ISSUE, MANAGE, RECORD_PAYMENT, VIEW, VOID
from opsbase.modules.billing.services import credit_note_create, invoice_pay
from opsbase.modules.billing.views import CreditNotePages, InvoicePages, PaymentPages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import Case, module_cases

from .conftest import admin_of, customer_of

# Filled with the test's customer before each case runs (the cases keep these dicts).
FORM_DATA: dict = {"notes": "Edited"}
API_DATA: dict = {"notes": "Replaced", "lines": [{"description": "Work", "unit_amount": "10"}]}

SEND_TO = {"to": "ap@initech.example"}

INVOICE_CASES = module_cases(
    pages=InvoicePages, viewset=InvoiceViewSet, form_data=FORM_DATA, api_data=API_DATA
)


def _post(path_name, body=None):
    return lambda c, o: c.post(reverse(path_name, args=[o.pk]), body or {}, format="json")


INVOICE_ACTIONS = [
    Case("api issue", _post("api:invoice-issue"), (VIEW, ISSUE), 200, login=token_client),
    Case("api void", _post("api:invoice-void"), (VIEW, VOID), 200, login=token_client),
    Case("api pay", _post("api:invoice-pay"), (VIEW, RECORD_PAYMENT), 200, login=token_client),
    Case("api send", _post("api:invoice-send", SEND_TO), (VIEW, ISSUE), 202, login=token_client),
    Case(
        "page send",
        lambda c, o: c.post(reverse("billing:invoice_send", args=[o.pk]), SEND_TO),
        (VIEW, ISSUE),
        302,
    ),
    Case(
        "page renew link",
        lambda c, o: c.post(reverse("billing:invoice_link_rotate", args=[o.pk])),
        (VIEW, ISSUE),
        302,
    ),
    Case(
        "page issue",
        lambda c, o: c.post(
            reverse("billing:invoice_transition", args=[o.pk]), {"transition": "issue"}
        ),
        (VIEW, ISSUE),
        302,
    ),
    Case(
        "page add line",
        lambda c, o: c.post(
            reverse("billing:invoice_line_add", args=[o.pk]),
            {"description": "More", "quantity": "1", "unit_amount": "5", "tax_rate": "0"},
        ),
        (VIEW, MANAGE),
        302,
    ),
]
# Which invoice each action needs: a draft, or an issued one.
ISSUED = {"api void", "api pay", "api send", "page send", "page renew link"}


def _recorded_cases(pages, viewset):
    # Recorded documents are never edited nor deleted (404 / 405: see below); creating one
    # needs an invoice of the organization (the cases after this).
    return [
        case
        for case in module_cases(pages=pages, viewset=viewset)
        if not any(w in case.name for w in ("edit", "delete", "update", "destroy", "create"))
    ]


PAYMENT_CASES = _recorded_cases(PaymentPages, PaymentViewSet)
CREDIT_NOTE_CASES = _recorded_cases(CreditNotePages, CreditNoteViewSet)


def test_the_generator_walks_every_invoice_page_and_action():
    assert {str(case) for case in INVOICE_CASES} == {
        "page invoice_list",
        "page create",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
    }


@pytest.fixture
def bodies(world):
    """The form and API bodies name a customer of Acme."""
    customer = customer_of(world.home)
    FORM_DATA["customer"] = customer.pk
    API_DATA["customer"] = customer.pk
    yield customer
    FORM_DATA.pop("customer")
    API_DATA.pop("customer")


@pytest.mark.parametrize("case", INVOICE_CASES, ids=str)
def test_every_invoice_page_and_action_answers_as_the_policy_decides(
    world, bodies, make_invoice, case
):
    case.check(world, make=lambda owner: make_invoice(owner))


@pytest.mark.parametrize("case", INVOICE_ACTIONS, ids=str)
def test_every_invoice_action_answers_as_the_policy_decides(world, make_invoice, case):
    issued = case.name in ISSUED
    case.check(world, make=lambda owner: make_invoice(owner, issue=issued))


@pytest.fixture
def make_payment(world, make_invoice):
    def make(owner):
        invoice = make_invoice(owner, issue=True)
        return invoice_pay(membership=admin_of(world, owner.tenant), invoice=invoice)

    return make


@pytest.fixture
def make_credit_note(world, make_invoice):
    def make(owner):
        invoice = make_invoice(owner, issue=True)
        return credit_note_create(
            membership=admin_of(world, owner.tenant), invoice=invoice, amount="1", reason="x"
        )

    return make


@pytest.mark.parametrize("case", PAYMENT_CASES, ids=str)
def test_every_payment_page_and_action_answers_as_the_policy_decides(world, make_payment, case):
    case.check(world, make=make_payment)


@pytest.mark.parametrize("case", CREDIT_NOTE_CASES, ids=str)
def test_every_credit_note_page_and_action_answers_as_the_policy_decides(
    world, make_credit_note, case
):
    case.check(world, make=make_credit_note)


class CreateCase(Case):
    """A new document naming an invoice: another organization's invoice is a field error
    (400) in a body, a 404 in the form's address, for whoever may record at all (403 else)."""

    foreign: int = 400

    def expected(self, actor, obj, relation):
        if relation != "foreign":
            return super().expected(actor, obj, relation)
        from opsbase.kernel.policy import policy

        allowed = all(policy.can(actor, codename) for codename in self.codenames)
        return self.foreign if allowed else 403


class FormCase(CreateCase):
    foreign = 404


CREATE_CASES = [
    CreateCase(
        "api payment create",
        lambda c, o: c.post(
            "/api/v1/payments/",
            {
                "customer": o.customer_id,
                "amount": "1.00",
                "allocations": [{"invoice": o.pk, "amount": "1.00"}],
            },
            format="json",
        ),
        (VIEW, RECORD_PAYMENT),
        201,
        login=token_client,
    ),
    CreateCase(
        "api credit note create",
        lambda c, o: c.post(
            "/api/v1/credit-notes/",
            {"invoice": o.pk, "amount": "1.00", "reason": "Discount"},
            format="json",
        ),
        (VIEW, ISSUE),
        201,
        login=token_client,
    ),
    CreateCase(
        "page payment create",
        lambda c, o: c.post(
            reverse("billing:payment_create"),
            {"invoice": o.pk, "amount": "1.00", "method": "cash"},
        ),
        (VIEW, RECORD_PAYMENT),
        302,
    ),
    CreateCase(
        "page credit note create",
        lambda c, o: c.post(
            reverse("billing:creditnote_create"),
            {"invoice": o.pk, "amount": "1.00", "reason": "Discount"},
        ),
        (VIEW, ISSUE),
        302,
    ),
    FormCase(
        "page payment form",
        lambda c, o: c.get(reverse("billing:payment_create") + f"?invoice={o.pk}"),
        (VIEW, RECORD_PAYMENT),
        200,
        html=True,
    ),
    FormCase(
        "page credit note form",
        lambda c, o: c.get(reverse("billing:creditnote_create") + f"?invoice={o.pk}"),
        (VIEW, ISSUE),
        200,
        html=True,
    ),
]


@pytest.mark.parametrize("case", CREATE_CASES, ids=str)
def test_payments_and_credit_notes_are_recorded_as_the_policy_decides(world, make_invoice, case):
    """Against an open invoice of the cell's organization: another's is 400 / 404."""
    case.check(world, make=lambda owner: make_invoice(owner, issue=True))


def test_recorded_documents_have_no_edit_nor_delete_page(world, admin, make_credit_note):
    from opsbase.testing.matrix import session_client

    client = session_client(admin)
    note = make_credit_note(admin)

    for page in ("edit", "delete"):
        assert client.get(reverse(f"billing:creditnote_{page}", args=[note.pk])).status_code == 404


ENDPOINTS = [
    ("get", "/api/v1/invoices/"),
    ("post", "/api/v1/invoices/"),
    ("get", "/api/v1/invoices/{invoice}/"),
    ("put", "/api/v1/invoices/{invoice}/"),
    ("patch", "/api/v1/invoices/{invoice}/"),
    ("delete", "/api/v1/invoices/{invoice}/"),
    ("post", "/api/v1/invoices/{invoice}/issue/"),
    ("post", "/api/v1/invoices/{invoice}/void/"),
    ("post", "/api/v1/invoices/{invoice}/pay/"),
    ("post", "/api/v1/invoices/{invoice}/transition/"),
    ("get", "/api/v1/payments/"),
    ("post", "/api/v1/payments/"),
    ("get", "/api/v1/payments/{payment}/"),
    ("get", "/api/v1/credit-notes/"),
    ("post", "/api/v1/credit-notes/"),
    ("get", "/api/v1/credit-notes/{note}/"),
]


def test_a_users_token_gets_403_on_every_billing_endpoint(
    world, make_invoice, make_payment, make_credit_note
):
    home_admin = world.members[RoleKind.ADMIN]
    ids = {
        "invoice": make_invoice(home_admin).pk,
        "payment": make_payment(home_admin).pk,
        "note": make_credit_note(home_admin).pk,
    }
    client = token_client(world.members[RoleKind.USER])

    answers = {
        (method, path): getattr(client, method)(path.format(**ids), {}, format="json").status_code
        for method, path in ENDPOINTS
    }

    assert set(answers.values()) == {403}, answers


def test_globex_gets_404_on_acmes_invoices(world, make_invoice, make_payment, make_credit_note):
    home_admin = world.members[RoleKind.ADMIN]
    ids = {
        "invoice": make_invoice(home_admin, issue=True).pk,
        "payment": make_payment(home_admin).pk,
        "note": make_credit_note(home_admin).pk,
    }
    client = token_client(world.away_members[RoleKind.ADMIN])

    answers = {
        (method, path): getattr(client, method)(path.format(**ids), {}, format="json").status_code
        for method, path in ENDPOINTS
        if "{" in path
    }

    assert set(answers.values()) == {404}, answers


PROFILE_CASES = [
    Case(
        "page billing settings",
        lambda c, o: c.get(reverse("billing:profile")),
        (MANAGE,),
        200,
        on_object=False,
        html=True,
    ),
    Case(
        "page billing settings (post)",
        lambda c, o: c.post(reverse("billing:profile"), {"legal_name": "Acme Drilling B.V."}),
        (MANAGE,),
        302,
        on_object=False,
    ),
]


@pytest.mark.parametrize("case", PROFILE_CASES, ids=str)
def test_the_billing_settings_page_answers_as_the_policy_decides(world, case):
    case.check(world, make=lambda owner: None)
