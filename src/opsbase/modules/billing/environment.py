"""Billing's settings from the environment, read by ``opsbase.conf.build_settings`` when the
module is installed (``docs/environment.md``)."""

from __future__ import annotations

from typing import Any

from opsbase.conf.env import get_str


def settings(environment: str) -> dict[str, Any]:
    return {
        # The Stripe gateway is off while the secret key is unset; the webhook answers 400 to
        # every delivery while the signing secret is unset (nothing unverified is stored).
        "STRIPE_SECRET_KEY": get_str("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": get_str("STRIPE_WEBHOOK_SECRET", ""),
    }
