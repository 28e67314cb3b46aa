from django.utils.translation import gettext_lazy as _

from opsbase.kernel.policy import register

register(
    codename="audit.view_auditevent",
    label=_("View the audit log"),
    denial=_("Only an Admin can read the audit log."),
)
