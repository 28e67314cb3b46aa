"""Models of the project's own app.

A record that belongs to an organization subclasses OpsBase's tenant-owned model, so that it
can only be read through `.for_tenant(tenant)`:

    from opsbase.core.models import TenantOwnedModel

    class Note(TenantOwnedModel):
        text = models.TextField()

Reads go in a `selectors.py`, writes in a `services.py` (see OpsBase's docs/architecture.md).
"""

from django.db import models  # noqa: F401 - used by the models written here
