"""JSON input of the tasks API: parsing and validation only (the output is TASK_ROWS)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.kit.api import MemberField, RecordSerializer

from .constants import TITLE_MAX_LENGTH, TITLE_MIN_LENGTH, TaskPriority, TaskStatus
from .models import TITLE_TOO_SHORT, Task
from .selectors import TASK_ROWS


class TaskSerializer(RecordSerializer):
    """A task of the organization."""

    title = serializers.CharField(
        min_length=TITLE_MIN_LENGTH,
        max_length=TITLE_MAX_LENGTH,
        error_messages={"min_length": TITLE_TOO_SHORT, "blank": TITLE_TOO_SHORT},
        help_text=_("3 to 200 characters."),
    )
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)
    status = serializers.ChoiceField(
        choices=TaskStatus.choices,
        required=False,
        help_text=_(
            "New tasks start as `todo`. Changing it applies the workflow transition that leads "
            "there; one that is not possible answers 400 `invalid_transition` with the allowed "
            "ones in `details.allowed`."
        ),
    )
    priority = serializers.ChoiceField(choices=TaskPriority.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    assignee = MemberField(
        required=False,
        allow_null=True,
        help_text=_("Membership id of an active member of your organization, or null."),
    )

    class Meta:
        model = Task
        rows = TASK_ROWS

    def validate_status(self, value: str) -> str:
        if self.instance is None and value != TaskStatus.TODO:
            raise serializers.ValidationError(
                _("A new task starts as To do; change its status afterwards.")
            )
        return value
