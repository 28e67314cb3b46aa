"""Every page and API action of campaigns, e-mail campaigns and consents, generated from the
declarations: each role × own / other / foreign record answers as the policy decides, and
another organization's record is 404."""

import itertools

import pytest

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.marketing.api import CampaignViewSet
from opsbase.modules.marketing.models import Consent
from opsbase.modules.marketing.views import CampaignPages, ConsentPages, MailingPages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import module_cases, session_client

_numbers = itertools.count(1)

CAMPAIGN_CASES = module_cases(
    pages=CampaignPages,
    viewset=CampaignViewSet,
    form_data={"name": "Renamed campaign", "channel": "social", "currency": "EUR"},
    api_data={"name": "Replaced campaign", "channel": "search"},
)
MAILING_CASES = module_cases(
    pages=MailingPages,
    form_data={"subject": "Renamed", "body": "New text", "audience": "leads", "segment": "all"},
)
CONSENT_CASES = module_cases(
    pages=ConsentPages,
    form_data={"status": "withdrawn", "source": "Phone call"},
)


def test_the_generator_walks_every_page_and_action():
    assert {str(case) for case in CAMPAIGN_CASES} >= {
        "page campaign_list",
        "page create",
        "page detail",
        "page edit (post)",
        "page delete (post)",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
    }
    assert "page transition start" in {str(case) for case in MAILING_CASES}


@pytest.mark.parametrize("case", CAMPAIGN_CASES, ids=str)
def test_every_campaign_page_and_action_answers_as_the_policy_decides(world, make_campaign, case):
    case.check(world, make=make_campaign)


@pytest.mark.parametrize("case", MAILING_CASES, ids=str)
def test_every_e_mail_campaign_page_answers_as_the_policy_decides(world, make_mailing, case):
    case.check(world, make=make_mailing)


@pytest.mark.parametrize("case", CONSENT_CASES, ids=str)
def test_every_consent_page_answers_as_the_policy_decides(world, case):
    case.check(
        world,
        make=lambda owner: Consent.objects.create(
            tenant=owner.tenant, email=f"c{next(_numbers)}@example.com"
        ),
    )


@pytest.mark.parametrize(
    ("kind", "status"),
    [(RoleKind.ADMIN, 200), (RoleKind.MANAGER, 200), (RoleKind.USER, 403)],
)
def test_the_settings_page_is_for_those_who_may_change_them(world, kind, status):
    client = session_client(world.members[kind])

    assert client.get("/marketing/settings/").status_code == status


def test_settings_are_saved_and_bad_input_is_a_400_with_the_field_s_error(manager):
    client = session_client(manager)

    bad = client.post("/marketing/settings/", {"brand_color": "blue", "reply_to": "nope"})
    good = client.post(
        "/marketing/settings/",
        {"brand_color": "#112233", "sender_name": "Acme news", "track_engagement": ""},
    )

    assert bad.status_code == 400
    assert "A colour such as" in bad.content.decode() or "Enter a valid" in bad.content.decode()
    assert good.status_code == 302
    from opsbase.modules.marketing.selectors import settings_of

    saved = settings_of(manager.tenant_id)
    assert (saved.sender_name, saved.brand_color, saved.track_engagement) == (
        "Acme news",
        "#112233",
        False,
    )


def test_a_campaign_ending_before_it_starts_is_a_400_naming_the_field(manager):
    answer = token_client(manager).post(
        "/api/v1/campaigns/",
        {"name": "Backwards", "starts_on": "2026-12-10", "ends_on": "2026-12-01"},
        format="json",
    )

    assert answer.status_code == 400
    assert "ends_on" in str(answer.json())


def test_the_campaign_list_has_a_query_budget(
    manager, make_campaign, django_assert_max_num_queries
):
    for _n in range(5):
        make_campaign(manager, utm_campaign="x")
    client = token_client(manager)
    client.get("/api/v1/campaigns/")

    with django_assert_max_num_queries(8):
        answer = client.get("/api/v1/campaigns/")

    assert answer.json()["count"] == 5


def test_a_second_consent_record_of_an_address_is_a_field_error(manager):
    client = session_client(manager)
    client.post("/marketing/consent/new/", {"email": "ann@example.com", "status": "granted"})

    again = client.post(
        "/marketing/consent/new/", {"email": "ANN@example.com", "status": "granted"}
    )

    assert again.status_code == 400
    assert "has a consent record already" in again.content.decode()
    assert Consent.objects.for_tenant(manager.tenant).count() == 1
