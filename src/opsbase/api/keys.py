"""The raw form of API tokens: how one is made, recognised and stored (only its hash is)."""

from __future__ import annotations

import hashlib
import secrets

from opsbase.conf import setting

# Characters of the raw token kept in clear (with the setting's prefix) so a person can tell
# their tokens apart in lists and recognise one that leaked; far too few to guess the rest.
PREFIX_LENGTH = 12


def key_generate() -> str:
    """A new raw token: the configured prefix (``opb_``) and 256 random bits, URL-safe."""
    return f"{setting('API_TOKEN_PREFIX')}{secrets.token_urlsafe(32)}"


def key_hash(raw: str) -> str:
    """The stored form of a raw token (SHA-256, hex); lookups go through it, never the key."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def key_prefix(raw: str) -> str:
    """The part of a raw token that lists show."""
    return raw[:PREFIX_LENGTH]
