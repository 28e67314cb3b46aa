"""Money: the kit's (``opsbase.kit.money``: minor units from Babel's CLDR data), and the
check of a currency code the customers module owns."""

from __future__ import annotations

from opsbase.kit.money import minor_units, quantize
from opsbase.modules.customers.models import is_currency

__all__ = ["is_currency", "minor_units", "quantize"]
