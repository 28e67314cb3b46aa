"""The kit's public forms, with a submit of the test's own: the key is the credential, the
visit's tracking reaches the submit, a honeypot and a rate limit stop bots and store
nothing, assignees take turns."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import path

from opsbase.core.cache import counting_cache
from opsbase.kit.public_forms import PublicForms, public_form_next_assignee, tracking_of
from opsbase.modules.leads.models import LeadForm
from opsbase.modules.leads.selectors import pipeline_default

SUBMITTED: list[dict] = []


def submit(*, form, data, tracking, site_url):
    SUBMITTED.append({"form": form.pk, "name": data["name"], **tracking})


FORMS = PublicForms(
    model=LeadForm,
    codename="leads.manage_pipelines",
    url_name="kit_test_form",
    submit=submit,
    rate=3,
)
urlpatterns = [path("kit-form/<str:key>/", FORMS.public_view, name="kit_test_form")]
POST = {"name": "Ada Park", "email": "ada@initech.test"}


@pytest.fixture(autouse=True)
def _clean(db, settings):
    settings.ROOT_URLCONF = __name__
    SUBMITTED.clear()
    cache.clear()
    counting_cache().clear()


@pytest.fixture
def form(manager, user):
    return FORMS.create(
        membership=manager,
        name="Contact",
        assignees=[manager, user],
        pipeline=pipeline_default(tenant_id=manager.tenant_id),
    )


def test_the_visits_tracking_reaches_the_submit(client, form):
    url = f"/kit-form/{form.public_key}/?utm_source=news&gclid=G1"

    answer = client.post(url, {**POST, "utm_campaign": "spring"}, HTTP_REFERER="https://a.test/")

    assert answer.status_code == 200
    [sent] = SUBMITTED
    assert (sent["utm_source"], sent["utm_campaign"], sent["gclid"]) == ("news", "spring", "G1")
    assert sent["referrer"] == "https://a.test/"


def test_the_honeypot_thanks_a_bot_and_submits_nothing(client, form):
    answer = client.post(f"/kit-form/{form.public_key}/", {**POST, "website": "x"})

    assert answer.status_code == 200
    assert SUBMITTED == []


def test_past_the_rate_an_address_gets_429_and_nothing_is_submitted(client, form):
    codes = [client.post(f"/kit-form/{form.public_key}/", POST).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    assert len(SUBMITTED) == 3


def test_bad_input_is_400_and_an_unknown_or_rotated_key_404(client, form, manager):
    assert client.post(f"/kit-form/{form.public_key}/", {"name": ""}).status_code == 400
    old = form.public_key
    FORMS.rotate(membership=manager, form=form)

    assert client.get(f"/kit-form/{old}/").status_code == 404
    assert client.get(f"/kit-form/{form.public_key}/").status_code == 200
    assert SUBMITTED == []


def test_assignees_take_turns_and_without_any_the_first_admin_receives(form, manager, user, admin):
    turns = [public_form_next_assignee(form) for _ in range(3)]
    form.assignees.set([])

    assert turns == [manager, user, manager]
    assert public_form_next_assignee(form) == admin


def test_tracking_of_a_get_reads_the_query_string_only():
    request = RequestFactory().get("/?utm_medium=email&fbclid=F&other=1", HTTP_REFERER="r")

    tracking = tracking_of(request)

    assert tracking["utm_medium"] == "email"
    assert tracking["fbclid"] == "F"
    assert tracking["referrer"] == "r"
    assert "other" not in tracking
