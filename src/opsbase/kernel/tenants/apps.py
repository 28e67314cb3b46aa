from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "opsbase.kernel.tenants"
    label = "tenants"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from opsbase.web import navigation

        from . import permissions  # noqa: F401

        navigation.register(
            navigation.NavItem(
                label=_("Members"),
                url_name="tenants:member_list",
                icon="people",
                codename="tenants.manage_members",
                section="organization",
                order=10,
            )
        )
        navigation.register(
            navigation.NavItem(
                label=_("Invitations"),
                url_name="tenants:invitation_list",
                icon="envelope",
                codename="tenants.manage_invitations",
                section="organization",
                order=20,
            )
        )
