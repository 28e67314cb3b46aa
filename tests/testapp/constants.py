from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.workflows import Transition, Workflow


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


def checklist_complete(ticket, membership):
    if not ticket.checklist_done:
        return _("Tick every checklist item first.")
    return None


TICKET_WORKFLOW = Workflow(
    states=TicketStatus,
    initial=TicketStatus.OPEN,
    transitions=[
        Transition(
            "start",
            source=TicketStatus.OPEN,
            target=TicketStatus.IN_PROGRESS,
            codename="testapp.work_ticket",
            label=_("Start"),
        ),
        Transition(
            "block",
            source=TicketStatus.IN_PROGRESS,
            target=TicketStatus.BLOCKED,
            codename="testapp.work_ticket",
            required_fields=("reason",),
        ),
        Transition(
            "unblock",
            source=TicketStatus.BLOCKED,
            target=TicketStatus.IN_PROGRESS,
            codename="testapp.work_ticket",
        ),
        Transition(
            "complete",
            source=TicketStatus.IN_PROGRESS,
            target=TicketStatus.DONE,
            codename="testapp.work_ticket",
            guard="tests.testapp.constants.checklist_complete",
        ),
        Transition(
            "cancel",
            source={TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.BLOCKED},
            target=TicketStatus.CANCELLED,
            codename="testapp.cancel_ticket",
            required_fields=("resolution",),
        ),
        Transition(
            "reopen",
            source={TicketStatus.DONE, TicketStatus.CANCELLED},
            target=TicketStatus.OPEN,
            codename="testapp.cancel_ticket",
            optional_fields=("reason",),
        ),
    ],
)
