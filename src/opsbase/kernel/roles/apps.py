from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    name = "opsbase.kernel.roles"
    label = "roles"
    verbose_name = _("Roles")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from opsbase.web import navigation

        from . import permissions  # noqa: F401
        from .signals import offer_new_permissions

        # After every migrate (a deploy, an upgrade, a module installed): built-in roles get
        # the defaults they were never offered.
        post_migrate.connect(offer_new_permissions, sender=self, dispatch_uid="roles_offer")

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
