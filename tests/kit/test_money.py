"""Money on pages: rounded to the currency's minor units, grouped as the reader's language
writes numbers, and named by its currency, so a list of several currencies reads right."""

from decimal import Decimal

from django.utils import translation

from opsbase.kit.money import money_text, number_text, quantize
from opsbase.kit.rows import Amount, Money, RowFormat, RowSpec
from opsbase.modules.billing.models import Invoice


def test_amounts_keep_their_currency_s_minor_units():
    assert quantize("1210.5", "EUR") == Decimal("1210.50")
    assert quantize("1210.5", "JPY") == Decimal("1211")
    assert quantize("1.2345", "KWD") == Decimal("1.235")


def test_digits_are_grouped_as_the_language_writes_them():
    assert money_text(Decimal("1210.5"), "EUR", language="en-us") == "1,210.50"
    assert money_text(Decimal("1210.5"), "EUR", language="de") == "1.210,50"
    assert money_text(Decimal("1210"), "JPY", language="en-us") == "1,210"
    assert number_text(Decimal("1520.25"), language="en-us") == "1,520.25"
    assert number_text(Decimal("1520.25"), language="fr") == "1\u202f520,25"


def test_a_money_cell_names_its_currency_and_the_api_keeps_the_plain_string():
    spec = RowSpec(Invoice, columns=[Money("total"), Amount("amount_paid")])
    row = {"total": Decimal("1210.5"), "currency": "NOK", "amount_paid": Decimal("0")}
    money, amount = spec.columns

    with translation.override("en-us"):
        fmt = RowFormat(spec)
        cell = money.cell(row, fmt)

    assert cell == '1,210.50 <span class="text-body-secondary small">NOK</span>'
    assert money.api_items(row, fmt) == [("total", "1210.50")]
    assert amount.cell({"amount_paid": None}, fmt) == ('<span class="text-body-secondary">—</span>')
