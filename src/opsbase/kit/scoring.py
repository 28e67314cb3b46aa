"""Rule-based, explainable scores with decay for inactivity, declared once per model.

A module keeps one concrete model on ``ScoringRuleBase`` (a tenant's own points per rule) and
declares which facts of a record score::

    LEAD_SCORING = Scoring(
        rule_model=ScoringRule, record_model=Lead, codename=MANAGE, view_codename=VIEW_PIPELINES,
        defaults={"source:referral": 20, "complete:email": 5, "activity:recent": 15,
                  "stage:step": 5, "decay:week": -2},
        choices=("source",), complete=("email", "phone", "company", "value"),
        is_open=lambda lead: lead.stage.kind == "open",
        open_filter={"stage__kind": "open"}, related=("stage",),
    )

Rules, each worth the tenant's points (else the default), named by key:

* ``<choice field>:<value>``: the record's value of a choice field (``source:referral``);
* ``complete:<field>``: the field is filled;
* ``activity:recent``: an activity (``last_activity_at``) in the last ``recent_days`` days;
* ``stage:step``: per stage passed (the stage's position), while the record is open;
* ``decay:week``: per week without activity beyond the first, while open, down to
  ``decay_floor``.

``score(obj)`` answers the total and each rule's points (``[[label, points], ...]``), which a
detail page lists; ``rescore`` saves a changed score without an audit event (it is derived),
``set_points`` changes the tenant's points (audited) and rescores its open records, and
``rescore_all`` is the nightly decay over every tenant. ``ScoringView`` is the API.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from opsbase.core.exceptions import ValidationError
from opsbase.core.models import TenantOwnedModel
from opsbase.core.writes import atomic_write
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

from .services import record_create, record_update

__all__ = ["ScoredBase", "Scoring", "ScoringRuleBase", "ScoringSerializer", "ScoringView"]


class ScoredBase(models.Model):
    """The fields of a scored record: its points and the reasons for them (``derived``)."""

    score = models.IntegerField(gettext_lazy("score"), default=0)
    score_reasons = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        abstract = True


class ScoringRuleBase(TenantOwnedModel):
    """A tenant's points for one rule (a key of the declaration's ``defaults``)."""

    rule = models.CharField(gettext_lazy("rule"), max_length=40)
    points = models.SmallIntegerField(gettext_lazy("points"))

    class Meta:
        # A concrete ``class Meta(ScoringRuleBase.Meta)`` inherits the order and one rule's
        # points per organization.
        abstract = True
        ordering = ["rule"]
        constraints = [models.UniqueConstraint(fields=["tenant", "rule"], name="%(class)s_unique")]

    def __str__(self) -> str:
        return f"{self.rule}: {self.points}"


@dataclass(frozen=True)
class Scoring:
    """A model's scoring (see the module docstring)."""

    rule_model: type[ScoringRuleBase]
    record_model: type[models.Model]
    codename: str
    view_codename: str
    defaults: Mapping[str, int]
    choices: Sequence[str] = ()
    complete: Sequence[str] = ()
    is_open: Callable[[Any], bool] = lambda obj: True
    #: The records ``set_points`` and ``rescore_all`` recompute (the open ones).
    open_filter: Mapping[str, Any] = field(default_factory=dict)
    related: Sequence[str] = ()
    recent_days: int = 14
    decay_floor: int = -30

    def points(self, tenant_id: int) -> dict[str, int]:
        """The tenant's points per rule: the defaults, with its own over them."""
        own = self.rule_model._default_manager.for_tenant(tenant_id)
        return {**self.defaults, **dict(own.values_list("rule", "points"))}

    def score(
        self, obj: Any, points: Mapping[str, int] | None = None, now: Any = None
    ) -> tuple[int, list[list[Any]]]:
        """The score of *obj* and each rule's points (``[[label, points], ...]``)."""
        rules = self.points(obj.tenant_id) if points is None else points
        now = now or timezone.now()
        reasons: list[list[Any]] = []

        def add(key: str, label: str, times: int = 1) -> None:
            if rules.get(key, 0) * times:
                reasons.append([label, rules.get(key, 0) * times])

        for name in self.choices:
            display = getattr(obj, f"get_{name}_display")()
            add(
                f"{name}:{getattr(obj, name)}",
                _("%(field)s: %(value)s")
                % {"field": capital(obj._meta.get_field(name).verbose_name), "value": display},
            )
        for name in self.complete:
            if getattr(obj, name) not in (None, ""):
                add(f"complete:{name}", _("Has %s") % obj._meta.get_field(name).verbose_name)
        last_activity = getattr(obj, "last_activity_at", None)
        if last_activity and now - last_activity <= timedelta(days=self.recent_days):
            add("activity:recent", _("Recent activity"))
        is_open = self.is_open(obj)
        stage = getattr(obj, "stage", None)
        if is_open and stage is not None and stage.position:
            add("stage:step", _("Stage: %s") % stage.name, stage.position)
        weeks = (now - (last_activity or obj.created_at or now)).days // 7 - 1
        if weeks > 0 and is_open:
            decay = max(rules.get("decay:week", 0) * weeks, self.decay_floor)
            if decay:
                reasons.append([_("No activity for %d weeks") % (weeks + 1), decay])
        return sum(p for _label, p in reasons), reasons

    def derived(self, obj: Any, points: Mapping[str, int] | None = None) -> dict[str, Any]:
        """``score`` and ``score_reasons`` of *obj*, for a write's ``derive``."""
        score, reasons = self.score(obj, points)
        return {"score": score, "score_reasons": reasons}

    def rescore(self, obj: Any, points: Mapping[str, int] | None = None) -> bool:
        """Recompute *obj*'s score (decay, changed rules); whether it changed. Derived, not a
        member's change: saved without an audit event."""
        score, reasons = self.score(obj, points)
        if score == obj.score and reasons == obj.score_reasons:
            return False
        manager: Any = self.record_model._default_manager
        manager.for_tenant(obj.tenant_id).filter(pk=obj.pk).update(
            score=score, score_reasons=reasons
        )
        obj.score, obj.score_reasons = score, reasons
        return True

    def _rescore_tenant(self, tenant_id: int) -> int:
        points = self.points(tenant_id)
        manager: Any = self.record_model._default_manager
        rows = (
            manager.for_tenant(tenant_id).filter(**self.open_filter).select_related(*self.related)
        )
        return sum(self.rescore(obj, points) for obj in rows.iterator(chunk_size=500))

    def set_points(self, *, membership: Membership, points: Mapping[str, int]) -> dict[str, int]:
        """Set the tenant's points of the named rules (audited), then rescore its open
        records. Unknown rules are a 400 naming them."""
        return _set_points(self, membership, points)

    def rescore_all(self) -> int:
        """Recompute the score of every open record of every tenant (nightly: decay); how
        many changed."""
        from opsbase.core.rls import rls_bypass

        with rls_bypass():
            manager: Any = self.record_model._default_manager
            tenants = set(manager.unscoped().values_list("tenant_id", flat=True).distinct())
            return sum(self._rescore_tenant(tenant_id) for tenant_id in sorted(tenants))


def capital(text: Any) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


@atomic_write
def _set_points(scoring: Scoring, membership: Membership, points: Mapping[str, int]) -> dict:
    unknown = sorted(set(points) - set(scoring.defaults))
    if unknown:
        message = _("Unknown rules: %s.") % ", ".join(unknown)
        raise ValidationError(extra={"fields": {"rules": [message]}})
    model: Any = scoring.rule_model
    own = {r.rule: r for r in model._default_manager.for_tenant(membership.tenant_id)}
    for rule, value in points.items():
        if rule in own:
            record_update(
                membership=membership,
                obj=own[rule],
                codename=scoring.codename,
                changes={"points": value},
            )
        else:
            record_create(
                membership=membership, obj=model(rule=rule, points=value), codename=scoring.codename
            )
    scoring._rescore_tenant(membership.tenant_id)
    return scoring.points(membership.tenant_id)


class ScoringSerializer(serializers.Serializer):
    rules = serializers.DictField(
        child=serializers.IntegerField(min_value=-100, max_value=100),
        help_text=gettext_lazy('Rule -> points, e.g. {"source:referral": 20, "decay:week": -2}.'),
    )


class ScoringView(APIView):
    """A tenant's scoring rules and their points (``PATCH`` some: the declaration's
    codename); open records are rescored at once."""

    scoring: Scoring

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        wanted = self.scoring.view_codename if request.method == "GET" else self.scoring.codename
        policy.require(request.membership, wanted)

    @extend_schema(responses=ScoringSerializer, summary="Scoring rules and their points")
    def get(self, request: Any) -> Response:
        return Response({"rules": self.scoring.points(request.membership.tenant_id)})

    @extend_schema(
        request=ScoringSerializer,
        responses=ScoringSerializer,
        summary="Change the points of some scoring rules",
    )
    def patch(self, request: Any) -> Response:
        data = ScoringSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rules = self.scoring.set_points(
            membership=request.membership, points=data.validated_data["rules"]
        )
        return Response({"rules": rules})
