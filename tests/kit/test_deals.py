"""The kit's writes of records in a pipeline (``kit.deals.Deals``) without a module's
wrapping: placing, owning, deriving, flagging duplicates, refusing stray keywords, imports
all or nothing, moves and their undo."""

from dataclasses import replace

import pytest

from opsbase.core.exceptions import InvalidTransition
from opsbase.kit.deals import Deals
from opsbase.kit.services import RowsInvalid
from opsbase.modules.leads.constants import ADD, CHANGE, REOPEN
from opsbase.modules.leads.declarations import PIPELINES, SCORING
from opsbase.modules.leads.models import Lead

DEALS = Deals(
    model=Lead,
    pipelines=PIPELINES,
    add=ADD,
    change=CHANGE,
    reopen=REOPEN,
    editable=("name", "email", "phone", "company", "owner", "value"),
    scoring=SCORING,
    candidates=lambda tenant_id: Lead.objects.for_tenant(tenant_id).filter(merged_into=None),
)


def stages(member):
    return {s.name: s for s in PIPELINES.default(tenant_id=member.tenant_id).stages.all()}


def test_a_new_record_is_placed_owned_by_its_creator_and_its_phone_normalized(user):
    lead = DEALS.create(membership=user, name="Ada", phone="(415) 555-1000")

    assert (lead.stage.name, lead.owner, lead.phone_e164) == ("New", user, "+14155551000")
    assert lead.score > 0 and lead.score_reasons


def test_a_likely_duplicate_is_flagged_and_none_without_candidates(manager):
    first = DEALS.create(membership=manager, name="Ada", email="ada@initech.test")

    again = DEALS.create(membership=manager, name="Ada P", email="ADA@initech.test")
    blind = replace(DEALS, candidates=None).create(
        membership=manager, name="Ada", email="ada@initech.test"
    )

    assert again.duplicate_of == first and blind.duplicate_of is None


def test_a_keyword_not_editable_is_a_programming_error(manager):
    with pytest.raises(TypeError, match="lead_create"):
        DEALS.create(membership=manager, name="Ada", source="import")
    lead = DEALS.create(membership=manager, name="Ada")
    with pytest.raises(TypeError, match="lead_update"):
        DEALS.update(membership=manager, obj=lead, score=99)


def test_an_update_without_owner_gives_the_record_to_the_member_changing_it(manager, user):
    lead = DEALS.create(membership=user, name="Ada")

    DEALS.update(membership=manager, obj=lead, owner=None, phone="+1 415 555 1001")

    lead = Lead.objects.for_tenant(user.tenant_id).get(pk=lead.pk)
    assert (lead.owner, lead.phone_e164) == (manager, "+14155551001")


def test_many_records_are_made_together_or_none_at_all(manager):
    made = DEALS.create_many(membership=manager, rows=[{"name": "Ada"}, {"name": "Bo"}])
    assert {lead.stage.name for lead in made} == {"New"} and made[0].owner == manager

    with pytest.raises(RowsInvalid):
        DEALS.create_many(membership=manager, rows=[{"name": "Cy"}, {"name": ""}])
    assert Lead.objects.for_tenant(manager.tenant_id).count() == 2


def test_a_move_and_its_undo_by_the_member_who_moved(user):
    lead = DEALS.create(membership=user, name="Ada")
    s = stages(user)

    DEALS.move(membership=user, obj=lead, stage=s["Contacted"])
    DEALS.undo(membership=user, obj=lead)

    assert Lead.objects.for_tenant(user.tenant_id).get(pk=lead.pk).stage == s["New"]
    with pytest.raises(InvalidTransition):
        DEALS.undo(membership=user, obj=lead)


def test_the_deal_form_parses_a_person_and_a_deal_and_a_module_orders_its_own_fields(manager):
    from opsbase.kit.deals import DealForm
    from opsbase.modules.leads.forms import LeadForm

    form = DealForm(
        {"name": "Ada", "currency": "usd", "value": "-1"}, membership=manager, instance=None
    )
    lead_form = LeadForm(membership=manager)

    assert not form.is_valid() and list(form.errors) == ["value"]
    assert DealForm({"name": "Ada", "currency": "usd"}, membership=manager).is_valid()
    assert list(lead_form.fields)[3:6] == ["phone", "source", "value"]


def test_the_column_sets_follow_the_bases_fields():
    from opsbase.kit.deals import contact_columns, deal_columns, stage_columns
    from opsbase.modules.leads.selectors import LEAD_ROWS

    names = [c.name for c in (*contact_columns(), *stage_columns(), *deal_columns())]

    assert names == [
        "name", "company", "email", "phone", "stage", "stage_name", "pipeline",
        "value", "currency", "owner", "follow_up",
    ]  # fmt: skip
    assert set(names) <= {c.name for c in LEAD_ROWS.columns}


def test_the_deal_serializer_checks_value_currency_and_owner(manager):
    from django.test import RequestFactory

    from opsbase.modules.leads.serializers import LeadSerializer

    request = RequestFactory().post("/")
    request.membership = manager
    bad = LeadSerializer(
        data={"name": "Ada", "value": "-1", "currency": "EU", "owner": 999999},
        context={"request": request},
    )

    assert not bad.is_valid()
    assert {"value", "currency", "owner"} <= set(bad.errors)
    good = LeadSerializer(
        data={"name": "Ada", "currency": "USD", "owner": manager.pk}, context={"request": request}
    )
    assert good.is_valid(), good.errors
