from __future__ import annotations

from rest_framework import serializers

from .models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    time = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "seq",
            "time",
            "actor",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "changes",
            "request_id",
            "ip",
            "user_agent",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields
