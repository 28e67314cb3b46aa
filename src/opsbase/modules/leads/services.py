"""Writes of leads: their business rules; the kit's helpers do the mechanics (policy on the
locked row, validation, audit, on-commit effects)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import phonenumbers
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.core.exceptions import InvalidTransition, NotFound, ValidationError
from opsbase.core.writes import atomic_write, row_lock
from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.kit import notifications
from opsbase.kit.hooks import hook
from opsbase.kit.merge import record_merge, record_merge_undo
from opsbase.kit.services import (
    record_create,
    record_create_many,
    record_delete,
    record_update,
)
from opsbase.services.analytics import track

from .constants import (
    ADD,
    CHANGE,
    DECAY_FLOOR,
    DEFAULT_LOST_REASONS,
    DEFAULT_PIPELINE,
    DEFAULT_SCORING,
    DEFAULT_STAGES,
    DELETE,
    MANAGE,
    MERGE,
    RECENT_DAYS,
    REOPEN,
    ActivityKind,
    LeadSource,
    StageKind,
)
from .models import (
    Activity,
    Lead,
    LeadForm,
    LeadMerge,
    LostReason,
    Pipeline,
    ScoringRule,
    Stage,
    new_public_key,
)

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = (
    "name",
    "company",
    "email",
    "phone",
    "source",
    "value",
    "currency",
    "owner",
    "follow_up",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "gclid",
    "fbclid",
    "msclkid",
    "referrer",
)


def _field(name: str) -> Any:
    return Lead._meta.get_field(name)


def pipeline_default_create(*, tenant_id: int) -> Pipeline:
    """The "Sales" pipeline (New … Won, Lost) and the usual lost reasons of a new organization."""
    pipeline = Pipeline(tenant_id=tenant_id, name=str(DEFAULT_PIPELINE), is_default=True)
    pipeline.save()
    for position, (name, kind, required) in enumerate(DEFAULT_STAGES):
        Stage(
            tenant_id=tenant_id,
            pipeline=pipeline,
            name=str(name),
            position=position,
            kind=kind,
            required_fields=list(required),
        ).save()
    for reason in DEFAULT_LOST_REASONS:
        LostReason(tenant_id=tenant_id, name=str(reason)).save()
    return pipeline


# -- scoring -------------------------------------------------------------------------------------
def scoring_rules(tenant_id: int) -> dict[str, int]:
    """The organization's points per rule: the defaults, with its own settings over them."""
    own = ScoringRule.objects.for_tenant(tenant_id).values_list("rule", "points")
    return {**DEFAULT_SCORING, **dict(own)}


@atomic_write
def scoring_rules_set(*, membership: Membership, points: Mapping[str, int]) -> dict[str, int]:
    """Set the organization's points of the named rules (audited), then rescore its open
    leads. Unknown rules are a 400 naming them."""
    unknown = sorted(set(points) - set(DEFAULT_SCORING))
    if unknown:
        message = _("Unknown rules: %s.") % ", ".join(unknown)
        raise ValidationError(extra={"fields": {"rules": [message]}})
    own = {r.rule: r for r in ScoringRule.objects.for_tenant(membership.tenant_id)}
    for rule, value in points.items():
        if rule in own:
            record_update(
                membership=membership, obj=own[rule], codename=MANAGE, changes={"points": value}
            )
        else:
            record_create(
                membership=membership, obj=ScoringRule(rule=rule, points=value), codename=MANAGE
            )
    rules = scoring_rules(membership.tenant_id)
    leads = Lead.objects.for_tenant(membership.tenant_id).filter(
        stage__kind=StageKind.OPEN, merged_into=None
    )
    for lead in leads.select_related("stage").iterator(chunk_size=500):
        lead_rescore(lead=lead, rules=rules)
    return rules


def lead_score(lead: Lead, rules: Mapping[str, int], now: Any = None) -> tuple[int, list]:
    """The score of *lead* and each rule's points (``[[label, points], ...]``)."""
    now = now or timezone.now()
    reasons: list[list[Any]] = []

    def add(key: str, label: str, times: int = 1) -> None:
        points = rules.get(key, 0) * times
        if points:
            reasons.append([label, points])

    add(f"source:{lead.source}", _("Source: %s") % lead.get_source_display())
    for name in ("email", "phone", "company", "value"):
        if getattr(lead, name) not in (None, ""):
            add(f"complete:{name}", _("Has %s") % _field(name).verbose_name)
    last = lead.last_activity_at or lead.created_at or now
    if lead.last_activity_at and now - lead.last_activity_at <= timedelta(days=RECENT_DAYS):
        add("activity:recent", _("Recent activity"))
    stage = lead.stage
    if stage.kind == StageKind.OPEN and stage.position:
        add("stage:step", _("Stage: %s") % stage.name, stage.position)
    weeks = (now - last).days // 7 - 1
    if weeks > 0 and stage.kind == StageKind.OPEN:
        points = max(rules.get("decay:week", 0) * weeks, DECAY_FLOOR)
        if points:
            reasons.append([_("No activity for %d weeks") % (weeks + 1), points])
    return sum(p for _label, p in reasons), reasons


def _derive(lead: Lead, changed: frozenset[str]) -> dict[str, Any]:
    """What follows from a lead's fields: its normalized phone number and its score."""
    derived: dict[str, Any] = {"phone_e164": _e164(lead.phone)}
    lead.phone_e164 = derived["phone_e164"]
    derived["score"], derived["score_reasons"] = lead_score(lead, scoring_rules(lead.tenant_id))
    return derived


def _e164(phone: str) -> str:
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, "US" if not phone.startswith("+") else None)
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def lead_rescore(*, lead: Lead, rules: Mapping[str, int] | None = None) -> bool:
    """Recompute *lead*'s score (inactivity decay, changed rules); whether it changed. The
    score is derived, not a member's change: saved without an audit event."""
    score, reasons = lead_score(lead, rules or scoring_rules(lead.tenant_id))
    if score == lead.score and reasons == lead.score_reasons:
        return False
    Lead.objects.for_tenant(lead.tenant_id).filter(pk=lead.pk).update(
        score=score, score_reasons=reasons
    )
    lead.score, lead.score_reasons = score, reasons
    return True


# -- leads ---------------------------------------------------------------------------------------
def _check(membership: Membership, lead: Lead, changed: frozenset[str]) -> None:
    """The pipeline, stage and lost reason are the organization's, and the stage's required
    fields are filled."""
    tenant = membership.tenant_id
    errors: dict[str, list[str]] = {}
    if lead.stage.tenant_id != tenant or lead.stage.pipeline_id != lead.pipeline_id:
        errors["stage"] = [_("Choose a stage of the lead's pipeline.")]
    reason = lead.lost_reason if lead.lost_reason_id else None
    if reason is not None and reason.tenant_id != tenant:
        errors["lost_reason"] = [_("Choose a lost reason of this organization.")]
    if "stage" in changed:
        for name in lead.stage.required_fields:
            if getattr(lead, _field(name).attname) in (None, ""):
                errors[name] = [_("Required to enter the stage “%s”.") % lead.stage.name]
    if errors:
        raise ValidationError(extra={"fields": errors})


@atomic_write
def lead_create(
    *,
    membership: Membership,
    name: str,
    pipeline: Pipeline | None = None,
    stage: Stage | None = None,
    owner: Membership | None = None,
    source: str = LeadSource.MANUAL,
    **fields: Any,
) -> Lead:
    """A new lead in the pipeline's first stage (or *stage*), owned by *owner* or the creator;
    a likely duplicate is flagged (``duplicate_of``), never refused."""
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise TypeError(f"lead_create() cannot set {', '.join(unknown)}.")
    if pipeline is None:
        from .selectors import pipeline_default

        pipeline = stage.pipeline if stage else pipeline_default(tenant_id=membership.tenant_id)
    if stage is None:
        stage = pipeline.stages.order_by("position", "pk").first()
    lead = Lead(
        name=name or "",
        pipeline=pipeline,
        stage=stage,
        owner=owner or membership,
        source=source or LeadSource.MANUAL,
        **{k: v for k, v in fields.items() if v is not None},
    )
    if lead.stage.kind != StageKind.OPEN:
        lead.closed_at = timezone.now()
    lead.tenant_id = membership.tenant_id

    def derive(row: Lead, changed: frozenset[str]) -> dict[str, Any]:
        from .selectors import lead_duplicate_find

        derived = _derive(row, changed)
        derived["duplicate_of"] = lead_duplicate_find(row)
        return derived

    record_create(
        membership=membership,
        obj=lead,
        codename=ADD,
        check=lambda row, changed: _check(membership, row, changed),
        derive=derive,
    )
    track(membership, "lead.created", {"lead": lead.pk, "source": lead.source})
    return lead


@atomic_write
def lead_create_many(*, membership: Membership, rows: list[dict[str, Any]]) -> list[Lead]:
    """Many new leads at once (an import), each as ``lead_create`` makes it; likely
    duplicates of the organization's leads flagged. All or nothing (``RowsInvalid``)."""
    from .selectors import lead_duplicate_index, pipeline_default

    pipeline = pipeline_default(tenant_id=membership.tenant_id)
    stage = pipeline.stages.order_by("position", "pk").first()
    rules = scoring_rules(membership.tenant_id)
    duplicates = lead_duplicate_index(tenant_id=membership.tenant_id)
    leads = []
    for row in rows:
        fields = {k: v for k, v in row.items() if v is not None}
        fields["owner"] = fields.get("owner") or membership
        leads.append(Lead(pipeline=pipeline, stage=stage, **fields))

    def derive(lead: Lead, changed: frozenset[str]) -> dict[str, Any]:
        lead.phone_e164 = _e164(lead.phone)
        score, reasons = lead_score(lead, rules)
        return {
            "phone_e164": lead.phone_e164,
            "score": score,
            "score_reasons": reasons,
            "duplicate_of_id": duplicates(lead),
        }

    return record_create_many(
        membership=membership,
        objs=leads,
        codename=ADD,
        check=lambda row, changed: _check(membership, row, changed),
        derive=derive,
    )


@atomic_write
def lead_update(*, membership: Membership, lead: Lead, **changes: Any) -> Lead:
    """Change fields of *lead* (not its stage: ``lead_move``); rescored. No owner means the
    member changing it (a lead always has one: a User's own leads stay theirs to see)."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise TypeError(f"lead_update() cannot change {', '.join(unknown)}.")
    if "owner" in changes and changes["owner"] is None:
        changes["owner"] = membership
    return record_update(
        membership=membership,
        obj=lead,
        codename=CHANGE,
        changes=changes,
        check=lambda row, changed: _check(membership, row, changed),
        derive=_derive,
    )


@atomic_write
def lead_assign(*, membership: Membership, leads: list[Lead], owner: Membership) -> int:
    """Give every lead of *leads* to *owner* (bulk assign), each checked and audited; all or
    nothing. How many changed hands."""
    changed = 0
    for lead in leads:
        changed += lead.owner_id != owner.pk
        lead_update(membership=membership, lead=lead, owner=owner)
    return changed


@atomic_write
def lead_move(
    *,
    membership: Membership,
    lead: Lead,
    stage: Stage,
    lost_reason: LostReason | None = None,
    undo: bool = False,
) -> Lead:
    """Move *lead* to *stage* of its pipeline, noted on its timeline. Won and lost are final:
    leaving them needs a Manager (``leads.reopen_lead``), unless it undoes the member's own
    last move. Entering a stage needs its required fields (a lost stage: the reason)."""
    current = row_lock(Lead, pk=lead.pk, tenant_id=membership.tenant_id)
    if stage.tenant_id != membership.tenant_id or stage.pipeline_id != current.pipeline_id:
        raise ValidationError(extra={"fields": {"stage": [_("Choose a stage of this pipeline.")]}})
    old = Stage.objects.for_tenant(membership.tenant_id).get(pk=current.stage_id)
    if old.pk == stage.pk:
        return lead
    policy.require(membership, CHANGE, current)
    if old.is_final and not undo:
        if stage.is_final:
            raise InvalidTransition(
                _("A lead that is %(old)s cannot go to %(new)s; reopen it first.")
                % {"old": old.name, "new": stage.name}
            )
        policy.require(membership, REOPEN, current)
    changes: dict[str, Any] = {"stage": stage}
    if stage.kind == StageKind.LOST:
        changes["lost_reason"] = lost_reason or current.lost_reason
    elif lost_reason is None:
        changes["lost_reason"] = None
    changes["closed_at"] = timezone.now() if stage.is_final else None
    record_update(
        membership=membership,
        obj=lead,
        codename=CHANGE,
        changes=changes,
        check=lambda row, changed: _check(membership, row, changed),
        derive=_derive,
    )
    activity_add(
        membership=membership,
        lead=lead,
        kind=ActivityKind.STAGE,
        body=_("%(old)s → %(new)s") % {"old": old.name, "new": stage.name},
        data={"from": old.pk, "to": stage.pk, "undo": undo},
    )
    events: dict[str, str] = {StageKind.WON: "lead.won", StageKind.LOST: "lead.lost"}
    name = events.get(str(stage.kind), "lead.moved")
    track(membership, name, {"lead": lead.pk, "stage": stage.name, "value": lead.value})
    return lead


@atomic_write
def lead_move_undo(*, membership: Membership, lead: Lead) -> Lead:
    """Undo the member's own last move of *lead* (back to the stage it left)."""
    last = lead_activities_last_move(lead)
    if last is None or last.author_id != membership.pk or last.data.get("undo"):
        raise InvalidTransition(_("There is no move of yours to undo on this lead."))
    stage = Stage.objects.for_tenant(membership.tenant_id).get(pk=last.data["from"])
    return lead_move(membership=membership, lead=lead, stage=stage, undo=True)


def lead_activities_last_move(lead: Lead) -> Activity | None:
    return (
        Activity.objects.for_tenant(lead.tenant_id)
        .filter(lead=lead, kind=ActivityKind.STAGE)
        .order_by("-created_at", "-pk")
        .first()
    )


@atomic_write
def lead_delete(*, membership: Membership, lead: Lead) -> None:
    """Delete *lead* and its timeline; its audit history stays."""
    record_delete(membership=membership, obj=lead, codename=DELETE)


@atomic_write
def activity_add(
    *, membership: Membership, lead: Lead, kind: str, body: str = "", data: dict | None = None
) -> Activity:
    """A call, e-mail, meeting or note on *lead*'s timeline (needs the right to change it);
    the lead is rescored."""
    policy.require(membership, CHANGE, lead)
    activity = Activity(lead=lead, kind=kind, body=body or "", author=membership)
    if data:
        activity.data = data
    record_create(membership=membership, obj=activity, codename=ADD)
    lead.last_activity_at = activity.created_at
    Lead.objects.for_tenant(lead.tenant_id).filter(pk=lead.pk).update(
        last_activity_at=activity.created_at
    )
    lead_rescore(lead=lead)
    return activity


# -- merge ---------------------------------------------------------------------------------------
MERGE_TERMS: dict[str, Any] = {
    "codename": MERGE,
    "aside": "merged_into",
    "children": [(Activity, "lead")],
}


def lead_merge(
    *, membership: Membership, keep: Lead, merge: Lead, fields: Mapping[str, str] | None = None
) -> LeadMerge:
    """Merge *merge* into *keep* (the kit's ``record_merge``): the fields marked ``"merge"``
    come from the merged lead, every activity moves over, the merged lead is set aside, and
    ``lead_merge_undo`` restores both exactly."""
    take = {name for name, side in (fields or {}).items() if side == "merge"}
    entry: LeadMerge = record_merge(
        membership=membership,
        keep=keep,
        other=merge,
        take=take,
        journal=LeadMerge,
        derive=_derive,
        **MERGE_TERMS,
    )
    return entry


def lead_merge_undo(*, membership: Membership, merge: LeadMerge) -> Lead:
    """Undo *merge*: both leads and their activities as they were before it."""
    kept: Lead = record_merge_undo(membership=membership, journal=merge, **MERGE_TERMS)
    return kept


# -- web-to-lead ---------------------------------------------------------------------------------
@atomic_write
def lead_form_create(
    *, membership: Membership, name: str, pipeline: Pipeline, assignees: Any = (), **fields: Any
) -> LeadForm:
    """A public form feeding *pipeline*; new leads go to *assignees* in turn."""
    form = record_create(
        membership=membership, obj=LeadForm(name=name, pipeline=pipeline, **fields), codename=MANAGE
    )
    form.assignees.set(list(assignees))
    return form


@atomic_write
def lead_form_update(
    *, membership: Membership, form: LeadForm, assignees: Any = None, **changes: Any
) -> LeadForm:
    record_update(membership=membership, obj=form, codename=MANAGE, changes=changes)
    if assignees is not None:
        form.assignees.set(list(assignees))
    return form


@atomic_write
def lead_form_rotate(*, membership: Membership, form: LeadForm) -> LeadForm:
    """A new unguessable public key: the old address stops answering at once."""
    return record_update(
        membership=membership, obj=form, codename=MANAGE, changes={"public_key": new_public_key()}
    )


def _next_owner(form: LeadForm) -> Membership:
    """The form's next assignee in turn (round robin), else the organization's first Admin."""
    row = row_lock(LeadForm, pk=form.pk, tenant_id=form.tenant_id)
    members = list(row.assignees.filter(is_active=True).order_by("pk").select_related("role"))
    if not members:
        admins = Membership.objects.for_tenant(form.tenant_id).filter(
            is_active=True, role__kind=RoleKind.ADMIN
        )
        first = admins.select_related("role", "user").order_by("pk").first()
        if first is None:
            raise NotFound()
        return first
    LeadForm.objects.for_tenant(form.tenant_id).filter(pk=form.pk).update(
        next_assignee=F("next_assignee") + 1
    )
    return members[row.next_assignee % len(members)]


@atomic_write
def lead_form_submit(
    *, form: LeadForm, data: Mapping[str, Any], tracking: Mapping[str, str], site_url: str = ""
) -> Lead:
    """A lead from a visitor's post of a public form: source "web form" (or the UTM source's
    kind), tracking fields kept, owned by the next assignee, who is e-mailed after commit."""
    owner = _next_owner(form)
    fields: dict[str, Any] = {k: v for k, v in tracking.items() if k in EDITABLE_FIELDS and v}
    lead = lead_create(
        membership=owner,
        name=data["name"],
        pipeline=form.pipeline,
        owner=owner,
        source=LeadSource.WEB_FORM,
        company=data.get("company", ""),
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        **fields,
    )
    transaction.on_commit(lambda: _notify_owner(lead, owner, site_url))
    return lead


def _notify_owner(lead: Lead, owner: Membership, site_url: str) -> None:
    try:
        path = reverse("leads:lead_detail", args=[lead.pk])
        context = {"lead": lead, "owner": owner.user, "url": site_url.rstrip("/") + path}
        body = render_to_string("leads/email/new_lead.txt", context)
        subject = _("New lead: %s") % lead
        send_mail(subject, body, None, [owner.user.email])
    except Exception:
        logger.exception("New-lead e-mail for lead %s not sent", lead.pk)


def leads_rescore_all() -> int:
    """Recompute the score of every open lead of every organization (nightly: decay for
    inactivity); how many changed."""
    from opsbase.core.rls import rls_bypass

    changed = 0
    with rls_bypass():
        tenants = Lead.objects.unscoped().values_list("tenant_id", flat=True).distinct()
        for tenant_id in sorted(set(tenants)):
            rules = scoring_rules(tenant_id)
            leads = (
                Lead.objects.for_tenant(tenant_id)
                .filter(stage__kind=StageKind.OPEN, merged_into=None)
                .select_related("stage")
            )
            for lead in leads.iterator(chunk_size=500):
                changed += lead_rescore(lead=lead, rules=rules)
    return changed


def leads_follow_ups_due_notify(*, day: Any = None) -> int:
    """Tell each open lead's owner, in the morning, that its follow-up is due (Celery beat);
    how many were told."""
    from opsbase.core.context import tenant_context
    from opsbase.core.rls import rls_bypass

    day = day or timezone.localdate()
    due = Lead.objects.unscoped().filter(
        follow_up=day, stage__kind=StageKind.OPEN, merged_into=None, owner__is_active=True
    )
    with rls_bypass():
        leads = list(due.select_related("owner"))
    told = 0
    for lead in leads:
        if lead.owner is None:  # the filter keeps owned leads; the type checker cannot tell
            continue
        with tenant_context(lead.tenant_id):
            notification = notifications.notify(
                recipient=lead.owner,
                event="leads.follow_up_due",
                title=_("Follow up today: %(lead)s") % {"lead": lead},
                url=lead.get_absolute_url(),
            )
        told += notification is not None
    return told


# -- conversion ----------------------------------------------------------------------------------
CUSTOMER_HOOK = "customers.customer_create"


def _won(lead: Lead) -> None:
    if lead.stage.kind != StageKind.WON:
        raise InvalidTransition(_("Only a won lead can be converted."))


@atomic_write
def lead_convert(*, membership: Membership, lead: Lead) -> str:
    """Make a customer of a won lead (when the customers module is installed: the hook
    ``customers.customer_create``); the lead keeps the customer's reference, the customer the
    lead's (``source``). Converting twice answers the first customer."""
    create = hook(CUSTOMER_HOOK)
    if create is None:
        raise NotFound(_("The customers module is not installed."))
    policy.require(membership, CHANGE, lead)
    _won(lead)
    if lead.converted_to:
        return lead.converted_to
    customer = create(
        membership=membership,
        name=lead.company or lead.name,
        email=lead.email,
        phone=lead.phone,
        contact=lead.name,
        source=f"leads.lead:{lead.pk}",
    )
    ref = f"{customer._meta.label_lower}:{customer.pk}"
    record_update(membership=membership, obj=lead, codename=CHANGE, changes={"converted_to": ref})
    return ref


@atomic_write
def lead_follow_up(*, membership: Membership, lead: Lead, title: str, due_date: Any = None) -> Any:
    """A follow-up task for a won lead (the tasks module, a declared dependency), assigned to
    the lead's owner and noted on its timeline."""
    from opsbase.modules.tasks.services import task_create

    policy.require(membership, CHANGE, lead)
    _won(lead)
    task = task_create(
        membership=membership,
        title=title,
        due_date=due_date,
        description=_("Follow-up of the lead “%s”.") % lead,
        assignee=lead.owner,
    )
    activity_add(
        membership=membership,
        lead=lead,
        kind=ActivityKind.NOTE,
        body=_("Follow-up task: %s") % task.title,
        data={"task": task.pk},
    )
    return task
