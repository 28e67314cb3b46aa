"""Reactions to framework events: a new organization gets the default pipeline."""

from __future__ import annotations

from typing import Any


def tenant_pipeline_create(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        from .services import pipeline_default_create

        pipeline_default_create(tenant_id=instance.pk)
