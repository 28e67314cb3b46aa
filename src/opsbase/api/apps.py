from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "opsbase.api"
    label = "opsbase_api"
    verbose_name = _("API")

    def ready(self) -> None:
        from opsbase.kernel.audit.masking import mask_fields

        from . import auth_cache, rules, schema  # noqa: F401  (policy rules; OpenAPI extensions)

        auth_cache.connect()

        # The hash is not the token, but it is what a lookup matches: keep it out of the log.
        mask_fields("key_hash", model="opsbase_api.apitoken")
