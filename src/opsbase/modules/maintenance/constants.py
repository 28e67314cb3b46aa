"""Permissions and choices of preventive maintenance: equipment, plans and their triggers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW = "maintenance.view_maintenance"
MANAGE = "maintenance.manage_maintenance"
RECORD_HOURS = "maintenance.record_hours"
DELETE = "maintenance.delete_maintenance"

ALL_CODENAMES = (VIEW, MANAGE, RECORD_HOURS, DELETE)

HOURS_DIGITS = 10
HOURS_PLACES = 1

#: How many days ahead a plan counts as "due soon" on the dashboard.
DUE_SOON_DAYS = 7


class Trigger(models.TextChoices):
    DAYS = "days", _("Every N days")
    HOURS = "hours", _("Every N hours of use")


TRIGGER_BADGES = {Trigger.DAYS: "text-bg-secondary", Trigger.HOURS: "text-bg-info"}
