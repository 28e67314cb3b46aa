"""Which field values never reach the audit log in clear text.

Two sources, both matched case-insensitively: ``OPSBASE_AUDIT_MASKED_FIELDS`` (substrings of a
field name, e.g. ``"token"`` masks ``token_hash`` and ``api_token``), and what apps register
from their ``AppConfig.ready``::

    from opsbase.kernel.audit.masking import mask_fields

    mask_fields("iban", "card_number")               # any model
    mask_fields("pin", model="devices.Device")      # one model, exact field name
"""

from __future__ import annotations

from opsbase.conf import setting

MASK = "********"

_anywhere: set[str] = set()
_per_model: dict[str, set[str]] = {}


def mask_fields(*names: str, model: str | None = None) -> None:
    """Mask *names*: substrings of any field name, or exact field names of *model*."""
    cleaned = {n.strip().lower() for n in names if n and n.strip()}
    if model is None:
        _anywhere.update(cleaned)
    else:
        _per_model.setdefault(model.lower(), set()).update(cleaned)


def unmask_fields(*names: str, model: str | None = None) -> None:
    """Undo :func:`mask_fields` (for tests of apps that register fields)."""
    cleaned = {n.strip().lower() for n in names}
    if model is None:
        _anywhere.difference_update(cleaned)
    else:
        _per_model.get(model.lower(), set()).difference_update(cleaned)


def is_masked(name: str, model_label: str | None = None) -> bool:
    """True when a field called *name* (of the model ``app_label.model``) holds a secret."""
    lowered = name.lower()
    if model_label and lowered in _per_model.get(model_label.lower(), ()):
        return True
    substrings = {s.lower() for s in setting("AUDIT_MASKED_FIELDS")} | _anywhere
    return any(s in lowered for s in substrings)
