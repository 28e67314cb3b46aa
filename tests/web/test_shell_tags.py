"""The shell's ``{% static %}`` (``opsbase_static``) and ``{% route %}`` (``opsbase_shell``):
the answers of Django's ``{% static %}`` and ``{% url %}``, worked out once and forgotten
when Django replaces the storage or the URLconf."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

FILES = ["opsbase/css/opsbase.css", "opsbase/js/opsbase.js", "a file/with spaces?.css"]


def _render(text: str) -> str:
    return Template(text).render(Context({}))


@pytest.mark.parametrize("path", FILES)
def test_static_gives_what_djangos_tag_gives(path):
    ours = "{% load opsbase_static %}{% static '" + path + "' %}"
    django = "{% load static %}{% static '" + path + "' %}"
    assert _render(ours) == _render(django)
    assert _render(ours) == _render(django)  # kept


def test_static_follows_a_new_storage():
    tag = "{% load opsbase_static %}{% static 'opsbase/css/opsbase.css' %}"
    before = _render(tag)
    with override_settings(STATIC_URL="/elsewhere/"):
        assert _render(tag) == "/elsewhere/opsbase/css/opsbase.css"
    assert _render(tag) == before


def test_route_gives_what_url_gives_and_raises_as_it_does():
    for name in ["web:home", "notifications:list", "tasks:task_all"]:
        assert _render("{% load opsbase_shell %}{% route '" + name + "' %}") == reverse(name)
    with pytest.raises(NoReverseMatch):
        _render("{% load opsbase_shell %}{% route 'nowhere:at_all' %}")
