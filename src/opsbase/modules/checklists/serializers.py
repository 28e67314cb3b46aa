"""JSON input of the form template API: parsing only (the fields are checked by the engine in
the services; a template's output is FORMTEMPLATE_ROWS with its draft and versions)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.kit.api import RecordSerializer

from .models import FormTemplate
from .selectors import FORMTEMPLATE_ROWS, version_list


class FormTemplateSerializer(RecordSerializer):
    """A form template: its name, its draft fields and its published versions."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    fields = serializers.JSONField(  # type: ignore[assignment]
        required=False,
        help_text=_(
            "The draft's fields: a list of {key, type, label, required, help, unit, min, max, "
            "choices, show_if: {field, equals}}. Types: text, number, pass_fail, choice, date, "
            "photo, signature."
        ),
    )

    class Meta:
        model = FormTemplate
        rows = FORMTEMPLATE_ROWS
        extra_fields = ("fields", "versions")

    versions = serializers.SerializerMethodField()

    def get_versions(self, obj: FormTemplate) -> list[dict[str, Any]]:
        return [
            {
                "id": v.pk,
                "number": v.number,
                "published_at": v.created_at.isoformat().replace("+00:00", "Z"),
            }
            for v in version_list(template=obj)
        ]

    def to_representation(self, instance: FormTemplate) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["fields"] = list(instance.draft or [])
        data["versions"] = self.get_versions(instance)
        return data


class AnswersSerializer(serializers.Serializer):
    """Answers to check against a template (a preview: nothing is kept)."""

    answers = serializers.DictField(help_text=_("Field key: answer."))
    version = serializers.IntegerField(
        required=False, help_text=_("A published version's id (default: the draft).")
    )


class ImportSerializer(serializers.Serializer):
    """A template export, optionally under another name."""

    format = serializers.CharField()
    version = serializers.IntegerField(required=False)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    fields = serializers.JSONField()  # type: ignore[assignment]
