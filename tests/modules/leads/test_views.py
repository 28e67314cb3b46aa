"""The board (counts, value sums, moves by form or htmx, undo), the detail page's timeline and
score, and the public form's markup."""

from opsbase.modules.leads.models import Lead
from opsbase.modules.leads.selectors import pipeline_default
from opsbase.modules.leads.services import lead_form_create
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client


def stage(member, name):
    return pipeline_default(tenant_id=member.tenant_id).stages.get(name=name)


def test_the_board_shows_each_stage_with_its_count_and_value_sum(manager, make_lead):
    make_lead(manager, name="Ada", value=1000)
    make_lead(manager, name="Ben", value=500)

    page = session_client(manager).get("/leads/board/")
    html = page.content.decode()

    assert page.status_code == 200
    assert html_problems(page.content) == []
    assert html.count('data-testid="lead-board-column"') == 6
    assert 'data-testid="lead-board-count">2<' in html
    assert 'data-testid="lead-board-total">1,500<' in html


def test_a_keyboard_move_through_htmx_answers_the_board_and_can_be_undone(manager, make_lead):
    lead = make_lead(manager)
    client = session_client(manager)
    contacted = stage(manager, "Contacted")

    moved = client.post(f"/leads/{lead.pk}/move/", {"stage": contacted.pk}, HTTP_HX_REQUEST="true")
    assert moved.status_code == 200
    assert b'data-testid="lead-board"' in moved.content
    assert Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk).stage == contacted

    client.post(f"/leads/{lead.pk}/move/", {"undo": "1"}, HTTP_HX_REQUEST="true")
    assert Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk).stage.name == "New"


def test_a_move_missing_a_required_field_is_refused_and_said(manager, make_lead):
    lead = make_lead(manager)

    page = session_client(manager).post(
        f"/leads/{lead.pk}/move/", {"stage": stage(manager, "Lost").pk}, follow=True
    )

    assert "Required to enter the stage" in page.content.decode()
    assert Lead.objects.for_tenant(manager.tenant).get(pk=lead.pk).stage.name == "New"


def test_the_detail_page_shows_the_timeline_and_each_scoring_rules_points(manager, make_lead):
    lead = make_lead(manager, source="referral", email="ada@initech.test")
    client = session_client(manager)
    client.post(f"/leads/{lead.pk}/activities/", {"kind": "call", "body": "Called Ada"})

    html = client.get(f"/leads/{lead.pk}/").content.decode()

    assert "Called Ada" in html
    assert "Source: Referral" in html
    assert "Recent activity" in html


def test_the_public_form_is_valid_html_with_a_hidden_honeypot(client, manager):
    form = lead_form_create(
        membership=manager, name="Contact", pipeline=pipeline_default(tenant_id=manager.tenant_id)
    )

    page = client.get(f"/w/{form.public_key}/")

    assert page.status_code == 200
    assert html_problems(page.content) == []
    assert b'name="website"' in page.content


def test_the_dashboard_shows_the_funnel_and_what_each_source_won(manager, make_lead):
    from opsbase.modules.leads.services import lead_move

    won = make_lead(manager, name="Ada", source="referral", value=1200)
    make_lead(manager, name="Ben", source="referral")
    lead_move(membership=manager, lead=won, stage=stage(manager, "Won"))

    html = session_client(manager).get("/").content.decode()

    assert "Funnel" in html
    assert "Won by source" in html
    assert "50 % · 1,200" in html
    assert "Follow-ups due today" in html


def test_a_manager_makes_a_web_form_sees_its_snippets_and_gives_it_a_new_address(manager, user):
    from opsbase.modules.leads.models import LeadForm

    client = session_client(manager)
    client.post("/leads/forms/", {"name": "Pricing page", "assignees": [user.pk]})
    form = LeadForm.objects.for_tenant(manager.tenant).get()
    page = client.get("/leads/forms/")

    assert html_problems(page.content) == []
    assert f"/w/{form.public_key}/" in page.content.decode()
    assert list(form.assignees.all()) == [user]
    client.post("/leads/forms/", {"rotate": form.pk})
    assert client.get(f"/w/{form.public_key}/").status_code == 404
    assert session_client(user).get("/leads/forms/").status_code == 403
