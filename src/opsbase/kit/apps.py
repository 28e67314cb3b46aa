from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KitConfig(AppConfig):
    """The kit's templates and template tags, and the one cache invalidation of every
    tenant-owned model (``opsbase.kit.caching``)."""

    name = "opsbase.kit"
    label = "kit"
    verbose_name = _("Module kit")

    def ready(self) -> None:
        from .caching import invalidation_connect

        invalidation_connect()
