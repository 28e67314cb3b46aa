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
        # The notification digest (opsbase.kit.notifications), once a day at the hour set;
        # an entry the project sets itself wins.
        from celery.schedules import crontab
        from django.conf import settings

        from opsbase.conf import setting

        schedule = dict(getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {})
        schedule.setdefault(
            "opsbase-notification-digest",
            {
                "task": "opsbase.kit.notification_digest",
                "schedule": crontab(minute=0, hour=setting("NOTIFICATION_DIGEST_HOUR")),
            },
        )
        settings.CELERY_BEAT_SCHEDULE = schedule
