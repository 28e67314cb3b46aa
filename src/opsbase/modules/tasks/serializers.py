"""JSON input and output of the tasks API: parsing and validation only."""

from __future__ import annotations

import functools

from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from opsbase.api.serializers import FieldsBuiltOnce
from opsbase.kernel.tenants.models import Membership

from .constants import (
    OPEN_STATUSES,
    TASK_WORKFLOW,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    TaskPriority,
    TaskStatus,
)
from .models import TITLE_TOO_SHORT, Task
from .selectors import task_assignee_choices

FOREIGN_MEMBER = _("Choose a member of this organization.")


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    # A field called "label", which DRF allows; the stubs see Field.label's type.
    label = serializers.CharField()  # type: ignore[assignment]
    target = serializers.CharField()
    target_label = serializers.CharField()
    allowed = serializers.BooleanField()
    reason = serializers.CharField()


# What an option of ``transitions`` holds, in order (TransitionOption attributes).
TRANSITION_OPTION_KEYS = tuple(TransitionOptionSerializer._declared_fields)


class AssigneeField(serializers.PrimaryKeyRelatedField):
    """A membership id of the caller's organization (active members only)."""

    default_error_messages = {
        "does_not_exist": FOREIGN_MEMBER,
        "incorrect_type": _("Give the member's id (a number)."),
    }

    def get_queryset(self):
        request = self.context.get("request")
        membership = getattr(request, "membership", None)
        if membership is None:
            return Membership.objects.unscoped().none()
        return task_assignee_choices(membership=membership)


class TaskSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
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
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    priority = serializers.ChoiceField(choices=TaskPriority.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    assignee = AssigneeField(
        required=False,
        allow_null=True,
        help_text=_("Membership id of an active member of your organization, or null."),
    )
    assignee_email = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "description",
            "status",
            "status_label",
            "priority",
            "due_date",
            "is_overdue",
            "assignee",
            "assignee_email",
            "owner",
            "completed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "completed_at", "created_at", "updated_at"]

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_assignee_email(self, task: Task) -> str | None:
        assignee = task.assignee
        return assignee.user.email if assignee is not None else None

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_owner(self, task: Task) -> dict | None:
        owner = task.owner
        return {"id": owner.pk, "email": owner.email} if owner is not None else None

    def validate_status(self, value: str) -> str:
        if self.instance is None and value != TaskStatus.TODO:
            raise serializers.ValidationError(
                _("A new task starts as To do; change its status afterwards.")
            )
        return value


# Unbound formatters, as TaskSerializer's own date and date-time fields format (API settings).
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


_OPEN_STATUSES = frozenset(str(s) for s in OPEN_STATUSES)


@functools.lru_cache(maxsize=64)
def _status_labels(language: str | None) -> dict[str, str]:
    """The status labels in *language* (the active one, passed so each is cached apart)."""
    return {
        str(value): force_str(label, strings_only=True)
        for value, label in Task._meta.get_field("status").flatchoices
    }


class _TaskFormat:
    """Turns a task row (a ``task_list_rows`` dict) into :class:`TaskSerializer`'s output.

    What is the same for every task of one answer (status labels in the active language,
    today's date, the field formatters) is worked out once, when the format is made.
    """

    def __init__(self) -> None:
        self.date = _DATE.to_representation
        self.datetime = _DATETIME.to_representation
        self.labels = _status_labels(translation.get_language())
        self.today = timezone.localdate()
        self.open_statuses = _OPEN_STATUSES

    def __call__(self, row) -> dict:
        status, due, owner_id, assignee_id = (
            row["status"],
            row["due_date"],
            row["owner_id"],
            row["assignee_id"],
        )
        completed = row["completed_at"]
        return {
            "id": row["id"],
            "title": row["title"],
            "description": row["description"],
            "status": status,
            "status_label": self.labels.get(status, status),
            "priority": row["priority"],
            "due_date": self.date(due) if due is not None else None,
            "is_overdue": bool(due and status in self.open_statuses and due < self.today),
            "assignee": assignee_id,
            "assignee_email": row["assignee_email"] if assignee_id else None,
            "owner": {"id": owner_id, "email": row["owner_email"]} if owner_id else None,
            "completed_at": self.datetime(completed) if completed is not None else None,
            "created_at": self.datetime(row["created_at"]),
            "updated_at": self.datetime(row["updated_at"]),
        }


def _row_of(task: Task) -> dict:
    """*task* (with its owner and assignee's user at hand) as the row ``task_list_rows``
    reads: the same columns, choices as plain strings, the two e-mails joined."""
    owner, assignee = task.owner, task.assignee
    return {
        "id": task.pk,
        "title": task.title,
        "description": task.description,
        "status": str(task.status),
        "priority": str(task.priority),
        "due_date": task.due_date,
        "assignee_id": task.assignee_id,
        "owner_id": task.owner_id,
        "completed_at": task.completed_at,
        "created_at": task.created_at,
        "updated_at": task.updated_at,
        "owner_email": owner.email if owner is not None else None,
        "assignee_email": assignee.user.email if assignee is not None else None,
    }


class TaskRowsSerializer(serializers.ListSerializer):
    """The list's output of :class:`TaskSerializer`, built from ``task_list_rows`` dicts.

    Gives exactly what ``TaskSerializer(many=True)`` gives for the same tasks, but reads plain
    rows (no model instances, no per-field attribute lookups).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("child", TaskSerializer())
        super().__init__(*args, **kwargs)

    def to_representation(self, data):
        row_format = _TaskFormat()
        return [row_format(row) for row in data]


class TaskDetailSerializer(TaskSerializer):
    transitions = serializers.SerializerMethodField(
        help_text=_("The status changes possible now, allowed or with the reason they are not.")
    )

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "transitions"]

    def to_representation(self, instance: Task) -> dict:
        # What TaskSerializer's fields give, without building them: a serializer's fields are
        # made anew for every instance, which cost a task create or update a third of its time.
        # tests/modules/tasks/test_fast_list.py holds this equal to the fields' own output.
        data = _TaskFormat()(_row_of(instance))
        data["transitions"] = self.get_transitions(instance)
        return data

    @extend_schema_field(TransitionOptionSerializer(many=True))
    def get_transitions(self, task: Task) -> list[dict]:
        from opsbase.kernel.workflows import transitions_available

        request = self.context.get("request")
        membership = getattr(request, "membership", None)
        if membership is None:
            return []
        # The declared names, read off the class: instantiating it would build its fields.
        keys = TRANSITION_OPTION_KEYS
        return [
            {key: getattr(option, key) for key in keys}
            for option in transitions_available(membership=membership, obj=task)
        ]


class TaskTransitionSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(
        choices=[(t.name, t.label) for t in TASK_WORKFLOW.transitions],
        help_text=_("start, block, complete, cancel or reopen."),
    )
