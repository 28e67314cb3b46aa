"""Input of the procedure pages: parsing and validation only; the services decide the rest."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import RecordForm

from .constants import ATTACHMENT_TYPES
from .models import Procedure


class ProcedureForm(RecordForm):
    model = Procedure
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The document's code, such as SOP-014: a code already used adds a version."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: # headings, **bold**, lists, tables, links."),
    )

    def __init__(
        self, data: Any = None, *args: Any, membership: Any, instance: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(data, *args, membership=membership, instance=instance, **kwargs)
        if instance is not None:
            # A version's code is fixed; its text changes while it is a draft.
            self.fields.pop("code", None)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Attachment"),
        widget=forms.FileInput(attrs={"class": "form-control"}),
        help_text=_("One of: %(types)s.") % {"types": ", ".join(ATTACHMENT_TYPES)},
    )
