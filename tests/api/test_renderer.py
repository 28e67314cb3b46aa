"""The orjson renderer answers byte for byte what DRF's JSON renderer answers."""

import datetime as dt
import decimal
import uuid

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DrfJSONRenderer

from opsbase.api.renderers import JSONRenderer, RenderedJSON

DATA = {
    "id": 42,
    "title": "Zürich — “quoted” <b>&</b> \u2028 line \u2029 paragraph",
    "when": dt.datetime(2025, 6, 1, 9, 30, 12, 123456, tzinfo=dt.UTC),
    "day": dt.date(2025, 6, 30),
    "time": dt.time(14, 5),
    "amount": decimal.Decimal("12.50"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "label": gettext_lazy("Active"),
    "nested": [{"a": None, "b": True, "c": 1.5}, [], {}],
    "empty": "",
}


def test_the_output_is_the_same_as_drfs():
    assert JSONRenderer().render(DATA) == DrfJSONRenderer().render(DATA)


def test_an_indent_asked_for_is_honoured_as_drf_does():
    media_type = "application/json; indent=4"
    assert JSONRenderer().render(DATA, media_type) == DrfJSONRenderer().render(DATA, media_type)


def test_rendered_json_is_sent_as_it_is():
    assert JSONRenderer().render(RenderedJSON(b'{"a":1}')) == b'{"a":1}'


def test_the_api_answers_with_it(world, as_member):
    response = as_member(world.members["admin"]).get("/api/v1/me/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.accepted_renderer, JSONRenderer)
