"""Form plumbing shared by every page: a service's errors shown on the form that sent the input."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.core.exceptions import ValidationError


def form_add_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on *form*: per field when it names one of its fields."""
    fields = error.extra.get("fields") or {}
    placed = False
    for name, messages in fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class DashboardRangeForm(forms.Form):
    """The dashboard's period: a preset (the last 7, 30 or 90 days) or a custom range."""

    #: The longest custom range: a year and a bit (the charts stay readable, the sums cheap).
    MAX_DAYS = 400

    range = forms.ChoiceField(required=False)
    start = forms.DateField(required=False, label=_("From"))
    end = forms.DateField(required=False, label=_("To"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from opsbase.conf import setting

        presets = [str(days) for days in setting("DASHBOARD_RANGES")]
        choice = cast(forms.ChoiceField, self.fields["range"])
        choice.choices = [(p, p) for p in presets] + [("custom", _("Custom"))]

    def clean(self):
        data = super().clean()
        if data.get("range") != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Give the first day of the range."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Give the last day of the range."))
        if start and end:
            if end < start:
                self.add_error("end", _("The last day comes before the first."))
            elif (end - start).days >= self.MAX_DAYS:
                self.add_error(
                    "end", _("A range is at most %(days)s days.") % {"days": self.MAX_DAYS}
                )
        return data

    def period(self):
        """The period asked for (the default preset when the form is empty or invalid)."""
        from opsbase.conf import setting

        from .dashboard import Period, period_last

        default = int(setting("DASHBOARD_DEFAULT_RANGE"))
        if not self.is_bound or not self.is_valid():
            return period_last(default)
        choice = self.cleaned_data.get("range") or str(default)
        if choice == "custom":
            return Period(self.cleaned_data["start"], self.cleaned_data["end"], "custom")
        return period_last(int(choice))
