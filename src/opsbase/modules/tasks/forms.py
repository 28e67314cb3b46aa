"""Input of the task pages: parsing and validation only; the services decide the rest."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.workflows import transitions_available

from .constants import TITLE_MAX_LENGTH, TITLE_MIN_LENGTH, TaskPriority, TaskStatus
from .filters import MemberChoiceField
from .models import TITLE_TOO_SHORT
from .selectors import task_assignee_choices

FOREIGN_MEMBER = _("Choose a member of this organization.")


class TaskForm(forms.Form):
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
        label=_("Assignee"),
        queryset=None,
        required=False,
        empty_label=_("Nobody"),
        error_messages={"invalid_choice": FOREIGN_MEMBER},
    )

    def __init__(self, *args, membership, task=None, **kwargs) -> None:
        if task is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": task.title,
                    "description": task.description,
                    "status": task.status,
                    "priority": task.priority,
                    "due_date": task.due_date,
                    "assignee": task.assignee_id,
                },
            )
        super().__init__(*args, **kwargs)
        assignee = cast(forms.ModelChoiceField, self.fields["assignee"])
        assignee.queryset = task_assignee_choices(membership=membership)
        if task is None:
            # A new task starts as To do; its status changes afterwards.
            del self.fields["status"]
        else:
            reachable = {
                o.target
                for o in transitions_available(membership=membership, obj=task)
                if o.allowed
            }
            cast(forms.ChoiceField, self.fields["status"]).choices = [
                (value, label)
                for value, label in TaskStatus.choices
                if value == task.status or value in reachable
            ]
            self.fields["status"].help_text = _("Only the statuses reachable from here.")

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()
