"""Input of the task pages: parsing and validation only; the services decide the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import MemberChoiceField, RecordForm

from .constants import TITLE_MAX_LENGTH, TITLE_MIN_LENGTH, TaskPriority
from .models import TITLE_TOO_SHORT, Task


class TaskForm(RecordForm):
    model = Task
    title = forms.CharField(
        label=_("Title"),
        min_length=TITLE_MIN_LENGTH,
        max_length=TITLE_MAX_LENGTH,
        error_messages={"min_length": TITLE_TOO_SHORT},
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TaskPriority.choices, initial=TaskPriority.NORMAL
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    assignee = MemberChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )
