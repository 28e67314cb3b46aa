import itertools

import pytest

from opsbase.modules.checklists.services import formtemplate_create, formtemplate_publish

_numbers = itertools.count(1)

# A 1x1 transparent PNG, as a signature pad's data URL.
PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

BIT_FIELDS = [
    {"key": "visual", "type": "pass_fail", "label": "Visual condition", "required": True},
    {
        "key": "gauge_od",
        "type": "number",
        "label": "Gauge OD",
        "required": True,
        "unit": "in",
        "min": "8.480",
        "max": "8.520",
    },
    {
        "key": "cutters",
        "type": "choice",
        "label": "Cutter wear",
        "required": True,
        "choices": ["None", "Light", "Heavy"],
    },
    {
        "key": "cutter_notes",
        "type": "text",
        "label": "Which cutters",
        "required": True,
        "show_if": {"field": "cutters", "equals": "Heavy"},
    },
    {"key": "checked_on", "type": "date", "label": "Checked on"},
    {"key": "photo", "type": "photo", "label": "Photo of the face"},
    {"key": "signature", "type": "signature", "label": "Signature", "required": True},
]

GOOD_ANSWERS = {
    "visual": "pass",
    "gauge_od": "8.500",
    "cutters": "Light",
    "checked_on": "2026-03-01",
    "signature": PNG,
}


@pytest.fixture
def make_template():
    """``make_template(owner, fields=..., publish=False)``: a template of *owner*'s
    organization (created by it)."""

    def make(owner, fields=None, publish=False, name=None):
        template = formtemplate_create(
            membership=owner,
            name=name or f"Form {next(_numbers)}",
            fields=BIT_FIELDS if fields is None else fields,
        )
        if publish:
            formtemplate_publish(membership=owner, formtemplate=template)
        return template

    return make


@pytest.fixture
def make_org_template(world, make_template):
    """A template of *owner*'s organization, made by its Manager (templates are the
    organization's records: who made one does not change who may use it)."""

    def make(owner):
        managers = world.members if owner.tenant_id == world.home.pk else world.away_members
        return make_template(managers["manager"])

    return make
