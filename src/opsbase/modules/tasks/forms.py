"""Input of the task pages: parsing and validation only; the services decide the rest."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.workflows import transitions_available
from opsbase.kit.forms import MemberChoiceField
from opsbase.kit.selectors import member_choices

from .constants import TITLE_MAX_LENGTH, TITLE_MIN_LENGTH, TaskPriority, TaskStatus
from .models import TITLE_TOO_SHORT


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
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, membership, instance=None, **kwargs) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(instance, name) for name in ("title", "description", "status")}
                | {
                    "priority": instance.priority,
                    "due_date": instance.due_date,
                    "assignee": instance.assignee_id,
                },
            )
        super().__init__(*args, **kwargs)
        assignee = cast(forms.ModelChoiceField, self.fields["assignee"])
        assignee.queryset = member_choices(membership=membership)
        if instance is None:
            # A new task starts as To do; its status changes afterwards.
            del self.fields["status"]
        else:
            reachable = {
                o.target
                for o in transitions_available(membership=membership, obj=instance)
                if o.allowed
            }
            cast(forms.ChoiceField, self.fields["status"]).choices = [
                (value, label)
                for value, label in TaskStatus.choices
                if value == instance.status or value in reachable
            ]
            self.fields["status"].help_text = _("Only the statuses reachable from here.")

    def clean_status(self) -> str | None:
        return self.cleaned_data.get("status") or None  # none sent: the status stays

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()
