from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    name = "opsbase.kernel.roles"
    label = "roles"
    verbose_name = _("Roles")

    def ready(self) -> None:
        from opsbase.web import navigation

        from . import permissions  # noqa: F401

        navigation.register(
            navigation.NavItem(
                label=_("Roles"),
                url_name="roles:role_list",
                icon="shield-lock",
                codename="roles.manage_roles",
                section="organization",
                order=30,
            )
        )
