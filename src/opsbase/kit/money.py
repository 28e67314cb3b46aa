"""Money: amounts rounded to their currency's minor units and written the way the reader's
language writes numbers, from Babel's CLDR data (JPY has no decimals, EUR 2, KWD 3; 1,210.50
in English, 1.210,50 in German); no hand-written table."""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, get_currency_precision
from django.utils import translation

__all__ = ["minor_units", "money_text", "number_text", "quantize"]


def minor_units(currency: str) -> int:
    """Digits after the decimal point of *currency*."""
    return int(get_currency_precision(currency))


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """*amount* rounded half up to *currency*'s minor units."""
    exponent = Decimal(1).scaleb(-minor_units(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


@functools.lru_cache(maxsize=64)
def _locale(language: str | None) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language or "en-us"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_US")


def number_text(amount: Decimal | int | str, *, language: str | None = None) -> str:
    """*amount* with the language's digit grouping and decimal mark, its digits kept."""
    locale = _locale(language or translation.get_language())
    return format_decimal(Decimal(amount), locale=locale, decimal_quantization=False)


def money_text(amount: Decimal | int | str, currency: str, *, language: str | None = None) -> str:
    """*amount* in *currency*'s minor units, grouped as the language writes numbers, without
    the currency (the caller puts the code where it reads best)."""
    locale = _locale(language or translation.get_language())
    return format_currency(Decimal(amount), currency, format="#,##0.00", locale=locale)
