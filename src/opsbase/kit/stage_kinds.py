"""The kinds of a pipeline's stage (light: a module's constants and ``apps`` import it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["StageKind"]


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
