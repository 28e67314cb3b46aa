from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """The events table and its export (``opsbase.services.analytics``)."""

    name = "opsbase.services.analytics"
    label = "analytics_events"
    verbose_name = _("Analytics events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        # The sweep that exports what an on-commit trigger missed (a worker down, a retry
        # given up): every five minutes. An entry the project sets itself wins.
        schedule = dict(getattr(settings, "CELERY_BEAT_SCHEDULE", {}) or {})
        settings.CELERY_BEAT_SCHEDULE = {
            "opsbase-analytics-export": {
                "task": "opsbase.analytics.export",
                "schedule": 300.0,
            },
            **schedule,
        }
