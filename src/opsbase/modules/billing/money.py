"""Money: Decimal amounts rounded to their currency's minor units, as Babel's CLDR data gives
them (JPY 0, EUR 2, KWD 3); no hand-written table."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

from opsbase.modules.customers.models import is_currency

__all__ = ["is_currency", "minor_units", "quantize"]


def minor_units(currency: str) -> int:
    """Digits after the decimal point of *currency*."""
    return int(get_currency_precision(currency))


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """*amount* rounded half up to *currency*'s minor units."""
    exponent = Decimal(1).scaleb(-minor_units(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)
