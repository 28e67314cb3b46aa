"""``manage.py billing_replay_events``: apply stored Stripe events again (all of them, those
since a date, or one by id), oldest first. What an event already did is not done twice."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from opsbase.modules.billing.webhooks import stripe_event_apply, stripe_events_for_replay


def _since(value: str) -> dt.datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since {value!r}: give a date (2026-12-01) or a date and time.")
        moment = dt.datetime.combine(day, dt.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Apply stored Stripe webhook events again, oldest first: all, those created at Stripe "
        "since --since, or one with --id. An event already applied changes nothing; a failed "
        "or pending one is applied when it now can be. Exits non-zero when the database failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="a date or date-time (the event's time at Stripe)")
        parser.add_argument("--id", dest="event_id", help="one event id (evt_…)")

    def handle(
        self, *args: Any, since: str | None = None, event_id: str | None = None, **options: Any
    ) -> None:
        moment = _since(since) if since else None
        results: Counter[str] = Counter()
        errors = 0
        for event in stripe_events_for_replay(since=moment, event_id=event_id):
            try:
                outcome = stripe_event_apply(event=event, replay=True)
            except (OperationalError, InterfaceError) as error:
                errors += 1
                self.stderr.write(f"{event.event_id}: not applied, the database failed: {error}")
                continue
            results[outcome] += 1
            if options.get("verbosity", 1) > 1:
                self.stdout.write(f"{event.event_id} {event.type}: {outcome}")
        if event_id and not results and not errors:
            raise CommandError(f"No stored Stripe event {event_id}.")
        summary = ", ".join(f"{n} {name}" for name, n in sorted(results.items())) or "none"
        self.stdout.write(f"Stripe events replayed: {summary}.")
        if errors:
            raise CommandError(f"{errors} event(s) not applied: run the command again.")
