"""Codenames, field types and limits of the forms engine (form templates, their published
versions and the filled forms kept against them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW = "checklists.view_formtemplate"
ADD = "checklists.add_formtemplate"
CHANGE = "checklists.change_formtemplate"
DELETE = "checklists.delete_formtemplate"
FILL = "checklists.fill_form"

ALL_CODENAMES = (VIEW, ADD, CHANGE, DELETE, FILL)

# The JSON export's format name and version (an import refuses any other).
EXPORT_FORMAT = "opsbase.form-template"
EXPORT_VERSION = 1

MAX_FIELDS = 100
MAX_TEXT = 2000
MAX_LABEL = 200
MAX_CHOICES = 50
# A photo or a signature, decoded.
MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number (with unit and tolerance)")
    PASS_FAIL = "pass_fail", _("Pass / fail")
    CHOICE = "choice", _("Choice")
    DATE = "date", _("Date")
    PHOTO = "photo", _("Photo")
    SIGNATURE = "signature", _("Signature")


# Field types whose answer is an image kept in the storage (not in the JSON answers).
IMAGE_TYPES_OF_FIELDS = (FieldType.PHOTO, FieldType.SIGNATURE)


class Result(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


RESULT_BADGES = {Result.PASS: "text-bg-success", Result.FAIL: "text-bg-danger"}
