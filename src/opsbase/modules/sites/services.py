"""Writes of rigs and wells: the kit's plain services (policy, validation, audit), named."""

from __future__ import annotations

from typing import Any

from opsbase.core.writes import atomic_write
from opsbase.kernel.tenants.models import Membership

from .entity import RIGS, WELLS
from .models import Rig, Well


@atomic_write
def rig_create(*, membership: Membership, **data: Any) -> Rig:
    """A new rig of *membership*'s organization (``sites.add_rig``), audited."""
    assert RIGS.create is not None  # noqa: S101 - the kit's plain service
    rig: Rig = RIGS.create(membership=membership, **data)
    return rig


@atomic_write
def well_create(*, membership: Membership, **data: Any) -> Well:
    """A new well of *membership*'s organization (``sites.add_well``), audited."""
    assert WELLS.create is not None  # noqa: S101 - the kit's plain service
    well: Well = WELLS.create(membership=membership, **data)
    return well
