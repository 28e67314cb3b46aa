"""What a pipeline (CRM) module's ``constants`` build on, light (no model: ``apps`` imports
them): the fields a member sets of a contact and of a deal, and the kinds of a timeline."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["CONTACT_FIELDS", "DEAL_FIELDS", "ActivityKind"]

#: The fields of a ``kit.duplicates.ContactBase`` a member sets: the person and their company.
CONTACT_FIELDS = ("name", "company", "email", "phone")
#: The fields of a ``kit.pipelines.DealBase`` a member sets (``kit.deals.DealForm``'s others).
DEAL_FIELDS = ("value", "currency", "owner", "follow_up")


class ActivityKind(models.TextChoices):
    """The entries of a record's timeline (``kit.timeline``): a member's call, e-mail, meeting
    or note, and the system's stage change (a ``Timeline``'s ``system_kinds``)."""

    CALL = "call", _("Call")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", _("Note")
    STAGE = "stage", _("Stage change")
