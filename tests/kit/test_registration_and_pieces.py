"""The kit's smaller pieces that every module may use: permission and navigation tables,
set-up of new organizations, demo helpers, field sets, reference lists, follow-ups, record
page buttons, and the services' field and pipeline checks."""

from types import SimpleNamespace

import pytest
from django.db.models.signals import post_save
from django.urls import reverse

from opsbase.core.exceptions import InvalidTransition, ValidationError
from opsbase.kernel.policy import anything, tenant_wide
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Tenant
from opsbase.kit import registration
from opsbase.kit.demo import DEMO_PEOPLE, demo_company, demo_members, demo_person
from opsbase.kit.follow_ups import FollowUp
from opsbase.kit.merge import MergeableBase
from opsbase.kit.public_forms import TRACKING_FIELDS, TrackedBase
from opsbase.kit.registration import Permission, nav_items, on_tenant_created
from opsbase.kit.scoring import ScoredBase
from opsbase.kit.services import fields_allowed
from opsbase.kit.views import record_action_view
from opsbase.modules.leads.constants import CHANGE, MANAGE
from opsbase.modules.leads.declarations import LEAD_TIMELINE, LOST_REASONS, PIPELINES
from opsbase.modules.leads.entity import LEADS
from opsbase.modules.leads.models import Lead, LostReason, Pipeline
from opsbase.modules.leads.selectors import pipeline_default
from opsbase.modules.leads.services import lead_create


# -- permission and navigation tables --------------------------------------------------------
def test_permissions_register_passes_each_row_to_the_policy(monkeypatch):
    seen = []
    monkeypatch.setattr(registration, "register", lambda **kw: seen.append(kw))
    codenames = registration.permissions_register(
        Permission("demo.view_thing", "See", "No.", {RoleKind.USER}, tenant_wide),
        Permission("demo.manage_things", "Manage", "Only a Manager."),
    )
    assert codenames == ("demo.view_thing", "demo.manage_things")
    assert seen[0] == {
        "codename": "demo.view_thing",
        "label": "See",
        "denial": "No.",
        "default_kinds": frozenset({RoleKind.USER}),
        "scope": tenant_wide,
    }
    # No scope given: the rule's own default (all of the organization's records).
    assert "scope" not in seen[1] and seen[1]["default_kinds"] == frozenset()
    assert anything is not None


def test_nav_items_are_numbered_in_the_order_given():
    items = nav_items(
        ("Things", "demo:thing_list", "box", "demo.view_thing"),
        ("Settings", "demo:settings", "gear", None),
        order=40,
        section="organization",
    )
    assert [(i.label, i.url_name, i.icon, i.codename, i.order) for i in items] == [
        ("Things", "demo:thing_list", "box", "demo.view_thing", 40),
        ("Settings", "demo:settings", "gear", None, 41),
    ]
    assert {i.section for i in items} == {"organization"}


def test_the_leads_sidebar_keeps_its_entries(settings):
    from django.apps import apps

    items = apps.get_app_config("leads").navigation
    assert [i.url_name for i in items] == [
        "leads:lead_list",
        "leads:lead_board",
        "leads:lead_forms",
        "leads:pipeline_list",
        "leads:lostreason_list",
    ]
    assert [i.order for i in items] == [20, 21, 22, 23, 24]


# -- new organizations -----------------------------------------------------------------------
SET_UP: list[int] = []


def remember_set_up(*, tenant_id):
    SET_UP.append(tenant_id)


def test_on_tenant_created_sets_up_new_organizations_only(manager):
    uid = "kit-test-set-up"
    on_tenant_created(f"{__name__}.remember_set_up", uid=uid)
    try:
        tenant = Tenant.objects.get(pk=manager.tenant_id)
        SET_UP.clear()
        post_save.send(sender=Tenant, instance=tenant, created=False, raw=False)
        post_save.send(sender=Tenant, instance=tenant, created=True, raw=True)  # a fixture
        assert SET_UP == []
        post_save.send(sender=Tenant, instance=tenant, created=True, raw=False)
        assert [tenant.pk] == SET_UP
    finally:
        post_save.disconnect(sender=Tenant, dispatch_uid=uid)


# -- demo helpers ----------------------------------------------------------------------------
def test_demo_people_and_companies_go_round():
    assert demo_person(0) == DEMO_PEOPLE[0]
    assert demo_person(len(DEMO_PEOPLE)) == f"{DEMO_PEOPLE[0]} 2"
    assert demo_person(2 * len(DEMO_PEOPLE) + 1) == f"{DEMO_PEOPLE[1]} 3"
    assert demo_company(0) == demo_company(8) == "Initech"


def test_demo_members_are_only_the_demo_accounts(manager):
    tenant = Tenant.objects.get(pk=manager.tenant_id)
    members = demo_members(tenant)
    for membership in members.values():
        assert membership.user.email.endswith(f"@{tenant.slug}.test")
        assert membership.tenant_id == tenant.pk


# -- field sets ------------------------------------------------------------------------------
def test_field_sets_give_their_fields_to_the_record():
    names = {f.name for f in Lead._meta.get_fields()}
    assert {*TRACKING_FIELDS, "referrer", "score", "score_reasons"} <= names
    assert {"duplicate_of", "merged_into"} <= names
    for base in (TrackedBase, ScoredBase, MergeableBase):
        assert base._meta.abstract and issubclass(Lead, base)
    assert Lead._meta.get_field("merged_into").related_model is Lead
    assert not Lead._meta.get_field("merged_into").editable


# -- reference lists -------------------------------------------------------------------------
def test_a_reference_list_declares_its_rows_entity_form_and_pages(manager, admin):
    assert LOST_REASONS.entity.codenames.view == LOST_REASONS.entity.codenames.delete == MANAGE
    assert LOST_REASONS.rows.api_keys() == ["id", "name"]
    form = LOST_REASONS.form(data={"name": "x" * 101}, membership=manager)
    assert not form.is_valid() and "name" in form.errors
    assert LOST_REASONS.pages.entity is LOST_REASONS.entity
    assert LOST_REASONS.pages.lists[0].name == "lostreason_list"
    names = [str(r) for r in LOST_REASONS.list(tenant_id=manager.tenant_id)]
    assert names == sorted(names) and "Price" in names
    other = LostReason.objects.unscoped().exclude(tenant_id=manager.tenant_id).first()
    if other is not None:
        assert other not in LOST_REASONS.list(tenant_id=manager.tenant_id)


# -- services' checks ------------------------------------------------------------------------
def test_fields_allowed_names_what_a_service_cannot_set():
    fields_allowed({"name": "x"}, ("name", "email"), "thing_create")
    with pytest.raises(TypeError, match=r"thing_create\(\) cannot set owner_id, tenant\."):
        fields_allowed({"tenant": 1, "owner_id": 2, "name": ""}, ("name",), "thing_create")


def test_fields_allowed_says_what_an_update_cannot_change():
    with pytest.raises(TypeError, match=r"thing_update\(\) cannot change state\."):
        fields_allowed({"state": "done"}, ("name",), "thing_update", verb="change")


def test_pipelines_check_refuses_a_stage_of_another_pipeline(manager):
    lead = lead_create(membership=manager, name="Ada")
    other = Pipeline(tenant_id=manager.tenant_id, name="Hiring")
    other.save()
    lead.stage = PIPELINES.create_default(
        tenant_id=manager.tenant_id, name="Second", stages=(("Only", "open", ()),)
    ).stages.get()
    check = PIPELINES.check(manager.tenant_id, related=("lost_reason",))
    with pytest.raises(ValidationError) as raised:
        check(lead, frozenset({"stage"}))
    assert "stage" in raised.value.extra["fields"]
    lead.refresh_from_db()
    check(lead, frozenset())  # its own stage: nothing to say


# -- follow-ups ------------------------------------------------------------------------------
MADE: list[dict] = []


def task_create_fake(**kwargs):
    MADE.append(kwargs)
    return SimpleNamespace(pk=41, title=kwargs["title"])


def refuse_closed(lead):
    if lead.company == "Closed":
        raise InvalidTransition("Not yet.")


FOLLOW_UP = FollowUp(
    create=f"{__name__}.task_create_fake",
    codename=CHANGE,
    timeline=LEAD_TIMELINE,
    ready=refuse_closed,
    description=lambda lead: f"About {lead.name}",
)


def test_a_follow_up_makes_the_task_and_notes_it_on_the_timeline(manager, user):
    MADE.clear()
    lead = lead_create(membership=manager, name="Ada", owner=user)
    task = FOLLOW_UP.run(membership=manager, obj=lead, title="Call back")
    assert task.pk == 41
    assert [
        {
            "membership": manager,
            "title": "Call back",
            "due_date": None,
            "description": "About Ada",
            "assignee": user,
        }
    ] == MADE
    note = LEAD_TIMELINE.entries(lead).first()
    assert note.kind == "note" and note.data == {"task": 41} and "Call back" in note.body


def test_a_follow_up_is_refused_before_anything_is_made(manager):
    MADE.clear()
    lead = lead_create(membership=manager, name="Ada", company="Closed")
    with pytest.raises(InvalidTransition):
        FOLLOW_UP.run(membership=manager, obj=lead, title="Call back")
    assert MADE == [] and not LEAD_TIMELINE.entries(lead).filter(kind="note").exists()


def test_the_follow_up_api_action_keeps_its_name():
    action = FOLLOW_UP.api_action("A follow-up task")
    assert action.__name__ == "follow_up" and action.url_path == "follow-up"


# -- record page buttons ---------------------------------------------------------------------
def test_a_record_button_says_done_or_why_not_and_goes_back(rf, manager):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    lead = lead_create(membership=manager, name="Ada", company="Closed")

    def do(request, membership, obj):
        refuse_closed(obj)

    view = record_action_view(LEADS, do, "Done.")

    def post():
        request = rf.post("/")
        request.user = manager.user
        request.membership = manager
        request.tenant = manager.tenant
        request.session = {}
        request._messages = FallbackStorage(request)
        return request, view(request, pk=lead.pk)

    request, response = post()
    assert response.status_code == 302 and response.url == lead.get_absolute_url()
    assert [str(m) for m in get_messages(request)] == ["Not yet."]
    Lead.objects.for_tenant(manager.tenant_id).filter(pk=lead.pk).update(company="Open")
    request, response = post()
    assert [str(m) for m in get_messages(request)] == ["Done."]
    assert reverse("leads:lead_detail", args=[lead.pk]) == response.url
    assert pipeline_default(tenant_id=manager.tenant_id)
