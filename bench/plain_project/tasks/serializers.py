from rest_framework import serializers

from .models import Task


class TaskSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="email", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "description",
            "status",
            "priority",
            "due_date",
            "owner",
            "assignee",
            "completed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "completed_at"]
