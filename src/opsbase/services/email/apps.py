from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailServiceConfig(AppConfig):
    """The e-mail service's suppression list and its providers' webhooks (anymail)."""

    name = "opsbase.services.email"
    label = "email_service"
    verbose_name = _("E-mail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anymail.signals import tracking

        from .webhooks import tracking_received

        tracking.connect(tracking_received, dispatch_uid="opsbase.services.email.tracking")
