"""The public web-to-lead form: capture, honeypot, rate limit, key rotation, round robin."""

import pytest
from django.core import mail
from django.core.cache import cache

from opsbase.core.cache import counting_cache
from opsbase.modules.leads.models import Lead
from opsbase.modules.leads.selectors import pipeline_default
from opsbase.modules.leads.services import lead_form_create, lead_form_rotate

POST = {"name": "Ada Park", "email": "ada@initech.test", "company": "Initech"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()
    counting_cache().clear()
    yield
    cache.clear()


@pytest.fixture
def form(manager, user):
    pipeline = pipeline_default(tenant_id=manager.tenant_id)
    return lead_form_create(
        membership=manager, name="Contact us", pipeline=pipeline, assignees=[manager, user]
    )


def leads(tenant):
    return Lead.objects.for_tenant(tenant)


def test_a_post_with_utm_parameters_creates_a_lead_with_its_source_and_tracking(
    client, form, manager
):
    url = f"/w/{form.public_key}/?utm_source=news&utm_medium=email&utm_campaign=spring&gclid=G1"

    answer = client.post(url, POST, HTTP_REFERER="https://acme.test/pricing")

    assert answer.status_code == 200
    lead = leads(manager.tenant).get()
    assert (lead.source, lead.utm_source, lead.utm_medium, lead.utm_campaign, lead.gclid) == (
        "web_form",
        "news",
        "email",
        "spring",
        "G1",
    )
    assert lead.referrer == "https://acme.test/pricing"


def test_owners_take_turns_and_each_is_emailed(
    client, form, manager, user, django_capture_on_commit_callbacks
):
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/w/{form.public_key}/", {**POST, "email": f"p{n}@x.test"})

    owners = list(leads(manager.tenant).order_by("pk").values_list("owner", flat=True))
    assert owners == [manager.pk, user.pk, manager.pk]
    assert [m.to for m in mail.outbox] == [
        [manager.user.email],
        [user.user.email],
        [manager.user.email],
    ]


def test_a_filled_honeypot_stores_nothing_but_thanks_the_bot(client, form, manager):
    answer = client.post(f"/w/{form.public_key}/", {**POST, "website": "http://spam.test"})

    assert answer.status_code == 200
    assert not leads(manager.tenant).exists()


def test_the_31st_post_from_one_address_within_a_minute_gets_429_and_stores_nothing(
    client, form, manager
):
    answers = [
        client.post(f"/w/{form.public_key}/", {**POST, "email": f"p{n}@x.test"}).status_code
        for n in range(31)
    ]

    assert answers[:30] == [200] * 30
    assert answers[30] == 429
    assert leads(manager.tenant).count() == 30
    other = client.post(f"/w/{form.public_key}/", POST, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


def test_bad_input_is_a_400_and_stores_nothing(client, form, manager):
    answer = client.post(f"/w/{form.public_key}/", {"name": "", "email": "nope"})

    assert answer.status_code == 400
    assert not leads(manager.tenant).exists()


def test_a_rotated_key_stops_the_old_address(client, form, manager):
    old = form.public_key
    lead_form_rotate(membership=manager, form=form)

    assert client.get(f"/w/{old}/").status_code == 404
    assert client.get(f"/w/{form.public_key}/").status_code == 200
    assert len(form.public_key) >= 32


def test_an_unknown_key_is_404(client, db):
    assert client.get("/w/not-a-key/").status_code == 404
