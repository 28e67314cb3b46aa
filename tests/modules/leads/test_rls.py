"""Under PostgreSQL's row-level security, as an ordinary role: a visitor's web form post
(no member, no tenant bound by the request) creates the lead in the form's organization."""

import pytest
from django.core.cache import cache
from django.db import connection

from opsbase.modules.leads.models import Lead
from opsbase.modules.leads.selectors import pipeline_default
from opsbase.modules.leads.services import lead_form_create
from tests.core.test_rls import app_role  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.serial,  # the PostgreSQL role it acts as
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level security is a PostgreSQL feature"
    ),
]


def test_a_web_form_post_creates_its_lead_under_row_level_security(
    world,
    client,
    app_role,  # noqa: F811
):
    manager = world.members["manager"]
    pipeline = pipeline_default(tenant_id=manager.tenant_id)
    form = lead_form_create(
        membership=manager, name="Contact", pipeline=pipeline, assignees=[manager]
    )
    cache.clear()

    answer = client.post(
        f"/w/{form.public_key}/?utm_source=ads", {"name": "Ada", "email": "ada@x.test"}
    )

    assert answer.status_code == 200
    lead = Lead.objects.for_tenant(world.home).get()
    assert (lead.utm_source, lead.owner) == ("ads", manager)
