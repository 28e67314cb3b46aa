"""``FieldsBuiltOnce``: a ModelSerializer's fields worked out once per class, copied per
instance, and the same fields DRF itself would build."""

from rest_framework import serializers

from opsbase.api.serializers import FieldsBuiltOnce
from opsbase.modules.tasks.api import TaskViewSet
from opsbase.modules.tasks.serializers import TaskSerializer

TaskDetailSerializer = TaskViewSet.detail_serializer_class


def _plain_fields(serializer_class):
    """The fields DRF builds for *serializer_class* without the mixin."""
    instance = serializer_class()
    return serializers.ModelSerializer.get_fields(instance)


def _shape(fields):
    return {
        name: (type(field).__name__, field.read_only, field.required, field.allow_null)
        if hasattr(field, "allow_null")
        else (type(field).__name__, field.read_only, field.required)
        for name, field in fields.items()
    }


def test_the_fields_are_those_drf_builds():
    for serializer_class in (TaskSerializer, TaskDetailSerializer):
        assert issubclass(serializer_class, FieldsBuiltOnce)
        assert _shape(serializer_class().fields) == _shape(_plain_fields(serializer_class))


def test_every_instance_gets_its_own_bound_fields():
    first, second = TaskSerializer(), TaskSerializer()

    assert first.fields["title"] is not second.fields["title"]
    assert first.fields["title"].parent is first
    assert second.fields["title"].parent is second


def test_a_subclass_keeps_its_own_fields():
    assert "transitions" not in TaskSerializer().fields
    assert "transitions" in TaskDetailSerializer().fields
    assert "transitions" not in TaskSerializer().fields


def test_validation_still_reports_field_errors_per_instance():
    bad = TaskSerializer(data={"title": "x"})
    good = TaskSerializer(data={"title": "A proper title"})

    assert not bad.is_valid()
    assert "title" in bad.errors
    assert good.is_valid(), good.errors
