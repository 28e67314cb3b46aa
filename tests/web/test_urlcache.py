"""``reverse_cached``: Django's ``reverse()`` of an argument-free route, kept per URLconf and
script prefix, and forgotten when Django replaces its resolver."""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse, set_script_prefix

from opsbase.web.urlcache import reverse_cached

NAMES = ["web:home", "tasks:task_all", "accounts:login", "accounts:logout"]


@pytest.mark.parametrize("name", NAMES)
def test_a_route_reverses_as_django_reverses_it(name):
    assert reverse_cached(name) == reverse(name)
    assert reverse_cached(name) == reverse(name)  # kept


def test_an_unknown_route_or_one_that_needs_arguments_raises_as_reverse_does():
    for name in ["nowhere:at_all", "tasks:task_detail"]:
        with pytest.raises(NoReverseMatch):
            reverse(name)
        for _ in range(2):
            with pytest.raises(NoReverseMatch):
                reverse_cached(name)


def test_the_script_prefix_is_part_of_the_answer():
    home = reverse_cached("web:home")
    set_script_prefix("/ops/")
    try:
        assert reverse_cached("web:home") == "/ops" + home == reverse("web:home")
    finally:
        set_script_prefix("/")
    assert reverse_cached("web:home") == home


def test_another_urlconf_is_answered_from_its_own_routes():
    with pytest.raises(NoReverseMatch):
        reverse_cached("only_here")
    with override_settings(ROOT_URLCONF=__name__):  # Django replaces its resolver
        assert reverse_cached("only_here") == "/only-here/"
        with pytest.raises(NoReverseMatch):
            reverse_cached("web:home")
    with pytest.raises(NoReverseMatch):
        reverse_cached("only_here")
    assert reverse_cached("web:home") == reverse("web:home")


urlpatterns = [path("only-here/", lambda request: HttpResponse(), name="only_here")]
