"""Input of the form template pages: parsing only; the engine checks the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import RecordForm

from .constants import FieldType
from .models import FormTemplate


class FormTemplateForm(RecordForm):
    model = FormTemplate
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FieldForm(forms.Form):
    """One field to add to a template's draft."""

    label = forms.CharField(label=_("Label"), max_length=200)
    key = forms.CharField(
        label=_("Key"),
        max_length=40,
        required=False,
        help_text=_(
            "Lower-case letters, digits and _; names the answer in exports and the API "
            "(default: from the label)."
        ),
    )
    type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    help = forms.CharField(label=_("Help text"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    min = forms.DecimalField(label=_("Minimum"), required=False)
    max = forms.DecimalField(label=_("Maximum"), required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    show_if_field = forms.ChoiceField(label=_("Show only when"), required=False)
    show_if_equals = forms.CharField(label=_("equals"), max_length=200, required=False)

    def __init__(self, data: Any = None, *args: Any, draft: list | None = None, **kw: Any) -> None:
        super().__init__(data, *args, **kw)
        self.fields["show_if_field"].choices = [  # type: ignore[attr-defined]
            ("", _("Always shown")),
            *[(f["key"], f["label"]) for f in draft or []],
        ]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"

    def field_spec(self) -> dict[str, Any]:
        data = self.cleaned_data
        spec: dict[str, Any] = {
            "key": (data.get("key") or "").strip(),
            "type": data["type"],
            "label": data["label"],
            "required": data["required"],
            "help": data.get("help") or "",
        }
        if data["type"] == FieldType.NUMBER:
            spec.update(unit=data.get("unit") or "", min=data.get("min"), max=data.get("max"))
        if data["type"] == FieldType.CHOICE:
            spec["choices"] = [c.strip() for c in (data.get("choices") or "").splitlines()]
        if data.get("show_if_field"):
            spec["show_if"] = {
                "field": data["show_if_field"],
                "equals": data.get("show_if_equals") or "",
            }
        return spec


class ImportForm(forms.Form):
    file = forms.FileField(label=_("JSON export"))
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("Default: the export's name.")
    )
