"""Who may do what in marketing: Managers run campaigns, e-mail campaigns and consent
records for the whole organization; Users see campaigns and their results."""

from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register, tenant_wide
from opsbase.kernel.roles.constants import RoleKind

from .constants import (
    ADD,
    CHANGE,
    CONSENT_ADD,
    CONSENT_CHANGE,
    CONSENT_DELETE,
    CONSENT_VIEW,
    DELETE,
    MAILING_ADD,
    MAILING_CHANGE,
    MAILING_DELETE,
    MAILING_VIEW,
    SEND,
    SETTINGS,
    VIEW,
)

_MANAGERS = {RoleKind.MANAGER}

for codename, label, denial, kinds in (
    (
        VIEW,
        _("See campaigns and their results"),
        _("Your role cannot see campaigns."),
        {RoleKind.MANAGER, RoleKind.USER},
    ),
    (ADD, _("Add campaigns"), _("Your role cannot add campaigns."), _MANAGERS),
    (CHANGE, _("Edit campaigns"), _("Your role cannot edit campaigns."), _MANAGERS),
    (DELETE, _("Delete campaigns"), _("Your role cannot delete campaigns."), _MANAGERS),
    (
        MAILING_VIEW,
        _("See e-mail campaigns"),
        _("Your role cannot see e-mail campaigns."),
        _MANAGERS,
    ),
    (
        MAILING_ADD,
        _("Write e-mail campaigns"),
        _("Your role cannot write e-mail campaigns."),
        _MANAGERS,
    ),
    (
        MAILING_CHANGE,
        _("Edit e-mail campaigns"),
        _("Your role cannot edit e-mail campaigns."),
        _MANAGERS,
    ),
    (
        MAILING_DELETE,
        _("Delete e-mail campaigns"),
        _("Your role cannot delete e-mail campaigns."),
        _MANAGERS,
    ),
    (
        SEND,
        _("Send, pause and resume e-mail campaigns"),
        _("Your role cannot send e-mail campaigns."),
        _MANAGERS,
    ),
    (
        CONSENT_VIEW,
        _("See marketing consents"),
        _("Your role cannot see marketing consents."),
        _MANAGERS,
    ),
    (
        CONSENT_ADD,
        _("Record marketing consents"),
        _("Your role cannot record marketing consents."),
        _MANAGERS,
    ),
    (
        CONSENT_CHANGE,
        _("Change marketing consents"),
        _("Your role cannot change marketing consents."),
        _MANAGERS,
    ),
    (
        CONSENT_DELETE,
        _("Delete marketing consents"),
        _("Your role cannot delete marketing consents."),
        _MANAGERS,
    ),
    (
        SETTINGS,
        _("Change the campaign e-mail settings"),
        _("Your role cannot change the campaign e-mail settings."),
        _MANAGERS,
    ),
):
    register(codename=codename, label=label, scope=tenant_wide, denial=denial, default_kinds=kinds)
