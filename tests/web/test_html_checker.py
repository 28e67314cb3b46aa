"""The HTML checker (``opsbase.testing.html``) that every page test uses: each rule finds what
it is for, and the shell's own pages pass it."""

import pytest

from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client

PAGE = """<!doctype html><html lang="en"><head><title>t</title></head><body>{}</body></html>"""


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("<div><span></div>", "ends <span>"),
        ("<div>", "ends <div>"),
        ("</section>", "closes nothing open"),
        ('<p id="a"></p><p id="a"></p>', 'id="a" is used 2 times'),
        ("<script>alert(1)</script>", "inline <script>"),
        ("<style>p{}</style>", "<style> element"),
        ('<p style="color:red">x</p>', "style= attribute"),
        ('<a href="/" onclick="x()">x</a>', "inline handler onclick="),
        ('<script src="https://cdn.example/x.js"></script>', "on another host"),
        ('<link rel="stylesheet" href="//cdn.example/x.css">', "on another host"),
        ('<a href="#">x</a>', "leads nowhere"),
        ('<img src="/x.png">', "<img> without alt"),
        ('<input name="q">', "<input> has no label"),
        ('<select name="s"></select>', "<select> has no label"),
        ('<button type="submit"><i class="bi bi-x"></i></button>', "a button with no name"),
    ],
)
def test_each_rule_finds_what_it_is_for(body, found):
    problems = html_problems(PAGE.format(body))

    assert any(found in p for p in problems), problems


@pytest.mark.parametrize(
    "body",
    [
        "<ul><li>one<li>two</ul>",  # end tags HTML lets out
        '<label for="q">Search</label><input id="q" name="q">',
        '<label>Search <input name="q"></label>',
        '<input name="q" aria-label="Search"><input type="hidden" name="t">',
        '<button type="submit" aria-label="Close"><i class="bi bi-x"></i></button>',
        '<script src="/static/x.js"></script><img src="/x.png" alt="">',
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    ],
)
def test_a_sound_page_has_no_problem(body):
    assert html_problems(PAGE.format(body)) == []


def test_a_document_needs_its_language():
    assert html_problems("<!doctype html><html><body></body></html>") == ["<html> has no lang"]


@pytest.mark.parametrize("path", ["/", "/org/members/", "/accounts/profile/", "/no/such/page/"])
def test_the_shells_pages_pass_it(world, path):
    response = session_client(world.members["admin"]).get(path)

    assert response.status_code in (200, 404)
    assert html_problems(response.content) == []


def test_the_sign_in_page_passes_it(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert html_problems(response.content) == []
