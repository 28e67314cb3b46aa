"""Where analytics events go besides the events table: backends chosen in settings.

``OPSBASE_ANALYTICS_BACKENDS`` names them, like Django's ``STORAGES``::

    OPSBASE_ANALYTICS_BACKENDS = {
        "posthog": {
            "BACKEND": "opsbase.services.analytics.backends.PostHogBackend",
            "OPTIONS": {"api_key": "phc_...", "host": "https://eu.i.posthog.com"},
        },
    }

A backend takes a batch of events in one call and raises ``ExportFailed`` when the batch did
not get through (the job retries it later; the events carry their uuid, so a backend that
got part of a batch before keeps each event once).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from opsbase.conf import setting

logger = logging.getLogger(__name__)


class ExportFailed(Exception):
    """A batch did not reach a backend; it is sent again later."""


@dataclass(frozen=True)
class ExportedEvent:
    uuid: str
    name: str
    tenant_id: int
    actor_id: int | None
    occurred_at: datetime
    properties: dict[str, Any] = field(default_factory=dict)


class AnalyticsBackend:
    """The interface: ``send(events)`` delivers a batch or raises ``ExportFailed``."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, events: list[ExportedEvent]) -> None:
        raise NotImplementedError


class LogBackend(AnalyticsBackend):
    """Writes each event to the ``opsbase.analytics`` log (development, or a log pipeline)."""

    def send(self, events: list[ExportedEvent]) -> None:
        log = logging.getLogger("opsbase.analytics")
        for event in events:
            log.info(
                "analytics event %s",
                event.name,
                extra={
                    "event_uuid": event.uuid,
                    "tenant_id": event.tenant_id,
                    "actor_id": event.actor_id,
                    "properties": event.properties,
                },
            )


class PostHogBackend(AnalyticsBackend):
    """PostHog's batch endpoint through the PostHog SDK (``posthog.request.batch_post``): one
    request per batch. Each event's person is the acting user (``user-<id>``, or
    ``tenant-<id>`` for a system event) and its organization a PostHog group
    (``organization``), so events can be read per tenant there too.

    Options: ``api_key`` (the project key), ``host`` (default PostHog's EU cloud),
    ``timeout`` (seconds, default 10), ``gzip`` (default True)."""

    DEFAULT_HOST = "https://eu.i.posthog.com"

    def __init__(
        self,
        *,
        api_key: str,
        host: str | None = None,
        timeout: float = 10,
        gzip: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if not api_key:
            raise ImproperlyConfigured("The PostHog analytics backend needs an api_key.")
        self.api_key = api_key
        self.host = host or self.DEFAULT_HOST
        self.timeout = timeout
        self.gzip = gzip

    def message(self, event: ExportedEvent) -> dict[str, Any]:
        distinct_id = (
            f"user-{event.actor_id}" if event.actor_id is not None else f"tenant-{event.tenant_id}"
        )
        properties = {
            **event.properties,
            "$groups": {"organization": str(event.tenant_id)},
            "$lib": "opsbase",
        }
        return {
            "type": "capture",
            "event": event.name,
            "distinct_id": distinct_id,
            "uuid": event.uuid,
            "timestamp": event.occurred_at.isoformat(),
            "properties": properties,
        }

    def send(self, events: list[ExportedEvent]) -> None:
        from posthog.request import APIError, batch_post

        if not events:
            return
        try:
            batch_post(
                self.api_key,
                host=self.host,
                gzip=self.gzip,
                timeout=self.timeout,
                batch=[self.message(event) for event in events],
            )
        except APIError as exc:
            raise ExportFailed(f"PostHog refused the batch ({exc.status}): {exc.message}") from exc
        except Exception as exc:  # network errors, timeouts: the batch waits for a retry
            raise ExportFailed(f"PostHog could not be reached: {exc}") from exc


def configured_backends() -> list[AnalyticsBackend]:
    """The backends ``OPSBASE_ANALYTICS_BACKENDS`` names, built from their options."""
    backends: list[AnalyticsBackend] = []
    for name, spec in (setting("ANALYTICS_BACKENDS") or {}).items():
        try:
            cls = import_string(spec["BACKEND"])
        except (KeyError, ImportError) as exc:
            raise ImproperlyConfigured(
                f"OPSBASE_ANALYTICS_BACKENDS[{name!r}] needs a BACKEND that can be imported."
            ) from exc
        backends.append(cls(**(spec.get("OPTIONS") or {})))
    return backends
