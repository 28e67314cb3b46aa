"""The kit's duplicate finder and explainable scoring, on their own terms: phone numbers in
E.164, the three ways two records are alike, each rule's points, decay and its floor, and a
tenant's own points (audited, rescoring its open records)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kit.duplicates import duplicate_find, duplicate_index, phone_e164
from opsbase.kit.scoring import Scoring
from opsbase.modules.leads.models import Lead, ScoringRule
from opsbase.modules.leads.services import lead_create

pytestmark = pytest.mark.django_db


def scoring(**more):
    terms = {
        "rule_model": ScoringRule,
        "record_model": Lead,
        "codename": "leads.manage_pipelines",
        "view_codename": "leads.view_pipeline",
        "defaults": {"source:referral": 7, "complete:email": 3, "stage:step": 2, "decay:week": -4},
        "choices": ("source",),
        "complete": ("email",),
        "is_open": lambda obj: obj.stage.kind == "open",
        "open_filter": {"stage__kind": "open"},
        "related": ("stage",),
    }
    return Scoring(**{**terms, **more})


def test_phone_numbers_compare_in_e164_and_a_non_number_is_empty():
    assert phone_e164("+1 (415) 555-1000") == "+14155551000"
    assert phone_e164("415 555 1000") == "+14155551000"
    assert phone_e164("030 1234567", region="DE") == "+49301234567"
    assert phone_e164("not a phone") == ""
    assert phone_e164("") == ""


@pytest.mark.parametrize(
    ("probe", "alike"),
    [
        ({"email": "ADA@initech.test"}, True),
        ({"phone_e164": "+14155551000"}, True),
        ({"name": "Ada Parks", "company": "INITECH"}, True),
        ({"name": "Ben Ortiz", "company": "Initech"}, False),
        ({"name": "Ada Park", "company": "Hooli"}, False),
    ],
)
def test_a_duplicate_is_the_same_email_phone_or_a_like_name_at_the_same_company(
    manager, probe, alike
):
    original = lead_create(
        membership=manager,
        name="Ada Park",
        company="Initech",
        email="ada@initech.test",
        phone="+1 415 555 1000",
    )
    obj = SimpleNamespace(**{"name": "Zed", "company": "", "email": "", "phone_e164": "", **probe})
    records = Lead.objects.for_tenant(manager.tenant_id)

    found = duplicate_index(records)(obj)

    assert (found == original.pk) is alike
    assert (duplicate_find(obj, records) == original) is alike


def test_each_rule_says_its_points_and_decay_stops_at_its_floor(manager):
    lead = lead_create(membership=manager, name="Ada", source="referral", email="ada@initech.test")
    later = timezone.now() + timedelta(weeks=30)

    now_score, now_reasons = scoring().score(lead)
    old_score, old_reasons = scoring(decay_floor=-10).score(lead, now=later)

    assert now_reasons == [["Source: Referral", 7], ["Has e-mail", 3]]
    assert now_score == 10
    assert old_reasons[-1] == ["No activity for 30 weeks", -10]
    assert old_score == 0


def test_a_tenants_points_are_audited_and_rescore_its_open_records(manager):
    lead = lead_create(membership=manager, name="Ada", source="referral")
    terms = scoring()
    terms.rescore(lead)
    assert lead.score == 7

    rules = terms.set_points(membership=manager, points={"source:referral": 40})

    assert rules["source:referral"] == 40
    assert Lead.objects.for_tenant(manager.tenant_id).get(pk=lead.pk).score == 40
    events = AuditEvent.objects.for_tenant(manager.tenant_id).filter(
        target_type__contains="scoring"
    )
    assert events.count() == 1


def test_an_unknown_rule_is_a_field_error_and_changes_nothing(manager):
    with pytest.raises(ValidationError) as refused:
        scoring().set_points(membership=manager, points={"nope": 3})

    assert "nope" in refused.value.extra["fields"]["rules"][0]
    assert not ScoringRule.objects.for_tenant(manager.tenant_id).exists()


def test_the_nightly_rescore_covers_every_tenant(world):
    acme = world.members["manager"]
    globex = world.away_members["manager"]
    leads = [lead_create(membership=m, name="Ada", source="referral") for m in (acme, globex)]
    Lead.objects.unscoped().filter(pk__in=[x.pk for x in leads]).update(score=0)

    changed = scoring().rescore_all()

    assert changed >= 2
    assert set(
        Lead.objects.unscoped().filter(pk__in=[x.pk for x in leads]).values_list("score", flat=True)
    ) == {7}
