"""``reverse_cached``: Django's ``reverse()`` of an argument-free route, kept per URLconf and
script prefix, and forgotten when Django replaces its resolver; ``reverse_pattern``: a route
of one id as a pattern, kept the same way."""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse, set_script_prefix

from opsbase.web.urlcache import reverse_cached, reverse_pattern

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


@pytest.mark.parametrize("pk", [1, 7, 987654321, 12345678901])
def test_a_pattern_filled_with_an_id_is_what_reverse_gives(pk):
    for name in ["tasks:task_detail", "tasks:task_transition"]:
        assert reverse_pattern(name).format(pk=pk) == reverse(name, args=[pk])


def test_a_pattern_follows_the_script_prefix_and_the_urlconf():
    plain = reverse_pattern("tasks:task_detail")
    set_script_prefix("/ops/")
    try:
        assert reverse_pattern("tasks:task_detail") == "/ops" + plain
    finally:
        set_script_prefix("/")
    with override_settings(ROOT_URLCONF=__name__):
        assert reverse_pattern("one_of", "slug") == "/one-of/{slug}/"
        with pytest.raises(NoReverseMatch):
            reverse_pattern("tasks:task_detail")
    assert reverse_pattern("tasks:task_detail") == plain


urlpatterns = [
    path("only-here/", lambda request: HttpResponse(), name="only_here"),
    path("one-of/<int:pk>/", lambda request, pk: HttpResponse(), name="one_of"),
]
