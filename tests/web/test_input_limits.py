"""Hostile input to pages: 400 with a field error, never a 500."""

import pytest
from django.test import Client

from opsbase.modules.tasks.models import Task
from opsbase.testing.matrix import session_client


def test_a_json_form_field_nested_50000_levels_deep_answers_400(db, web_urls):
    response = Client().post("/t/json-form/", {"settings": "[" * 50_000})

    assert response.status_code == 400


def test_a_json_form_field_still_reads_json(db, web_urls):
    assert Client().post("/t/json-form/", {"settings": '{"a": [1]}'}).content == b"saved"


@pytest.mark.parametrize(
    "title",
    [
        "invoice\u202etxt.exe",  # right-to-left override: shows as "invoiceexe.txt"
        "null\x00byte",
        "bell\x07",
        "tab\tinside",
        "zero\u200bwidth space",
        "\u2066isolate\u2069",
    ],
)
def test_a_single_line_field_refuses_control_and_bidi_characters(world, title):
    client = session_client(world.members["admin"])
    before = Task.objects.for_tenant(world.home).count()

    response = client.post("/tasks/new/", {"title": title, "priority": "normal"})

    assert response.status_code == 400
    page = response.content.decode()
    # (Django's own form validation already refuses a NUL, with its own words.)
    assert "invisible or control characters" in page or "Null characters are not" in page
    # Counted, not looked up: PostgreSQL cannot even compare with a NUL.
    assert Task.objects.for_tenant(world.home).count() == before


def test_joiners_that_scripts_and_emoji_need_are_kept(world):
    client = session_client(world.members["admin"])
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, joined
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # with a non-joiner
    title = f"Family {family} and {persian}"

    response = client.post("/tasks/new/", {"title": title, "priority": "normal"})

    assert response.status_code == 302
    assert Task.objects.for_tenant(world.home).filter(title=title).exists()


def test_the_api_and_the_profile_refuse_them_with_a_field_error(world):
    from opsbase.testing.api import token_client

    api = token_client(world.members["admin"])
    answer = api.post("/api/v1/tasks/", {"title": "a\u202eb"}, format="json")
    profile = session_client(world.members["user"]).post(
        "/accounts/profile/", {"first_name": "Ev\u202eil", "last_name": ""}
    )

    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["title"]
    assert profile.status_code in (200, 400)
    assert "invisible or control characters" in profile.content.decode()
    world.members["user"].user.refresh_from_db()
    assert world.members["user"].user.first_name != "Ev\u202eil"
