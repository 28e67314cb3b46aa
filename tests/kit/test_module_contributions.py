"""What a module contributes without editing shared files: middleware from its declaration
(``ModuleConfig.middleware``), and listeners of other modules' record creation
(``kit.hooks.listen``, called by ``record_create``)."""

import pytest
from django.conf import settings

from opsbase.kernel.modules import middleware_contribute
from opsbase.kit.hooks import listen, listeners, unlisten
from opsbase.modules.customers.models import Customer
from opsbase.modules.customers.services import customer_create

MEMBERSHIP = "opsbase.kernel.tenants.middleware.ActiveMembershipMiddleware"


def test_a_module_s_middleware_runs_after_the_session_and_the_active_membership():
    chain = list(settings.MIDDLEWARE)
    capture = "opsbase.modules.marketing.middleware.UtmCaptureMiddleware"

    assert capture in chain
    assert chain.index(capture) > chain.index(MEMBERSHIP)
    assert chain.index(capture) > chain.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


def test_contributing_middleware_twice_adds_it_once_and_keeps_the_project_s_placement(
    settings,
):
    settings.MIDDLEWARE = ["a.First", MEMBERSHIP, "z.Last"]

    middleware_contribute(["m.One", "m.Two"])
    middleware_contribute(["m.One"])

    assert settings.MIDDLEWARE == ["a.First", MEMBERSHIP, "m.One", "m.Two", "z.Last"]
    settings.MIDDLEWARE = ["z.Last", "m.Two", "a.First"]
    middleware_contribute(["m.Two"])
    assert settings.MIDDLEWARE == ["z.Last", "m.Two", "a.First"]


@pytest.fixture
def heard():
    calls = []

    def fill(obj):
        calls.append(("creating", obj.pk))
        return {"contact": "Filled by a listener"} if not obj.contact else {}

    def created(*, membership, obj):
        calls.append(("created", obj.pk, membership.pk))

    listen("customers.customer.creating", fill)
    listen("customers.customer.creating", fill)  # the same function once
    listen("customers.customer.created", created)
    yield calls
    unlisten("customers.customer.creating", fill)
    unlisten("customers.customer.created", created)


def test_listeners_fill_a_new_record_before_its_save_and_hear_it_after(manager, heard):
    customer = customer_create(membership=manager, name="Initech")

    assert Customer.objects.for_tenant(manager.tenant).get(pk=customer.pk).contact == (
        "Filled by a listener"
    )
    assert heard == [("creating", None), ("created", customer.pk, manager.pk)]


def test_an_event_name_must_name_the_model():
    with pytest.raises(ValueError, match="<app label>.<model>.<event>"):
        listen("customers.created", print)
    assert listeners("nobody.nothing.created") == ()
