"""``text_of``: lazy translations turned into text once per language, the language's own
text each time; other values as ``str`` gives them."""

from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from opsbase.core import text
from opsbase.core.text import text_of

LABEL = gettext_lazy("Yes")  # in Django's own catalogs: "Ja" in German


def test_a_lazy_translation_is_its_languages_text():
    assert text_of(LABEL) == "Yes"
    with translation.override("de"):
        assert text_of(LABEL) == "Ja"
        assert text_of(LABEL) == "Ja"  # kept
    assert text_of(LABEL) == "Yes"
    assert text_of(pgettext_lazy("answer", "Yes")) == "Yes"


def test_other_values_are_their_str():
    assert text_of("plain") == "plain"
    assert text_of(7) == "7"
    assert text_of(None) == "None"


def test_lazy_values_other_than_translations_are_never_kept(settings):
    before = len(text._kept)
    assert text_of(reverse_lazy("web:home")) == "/"
    assert len(text._kept) == before


def test_what_is_kept_is_bounded_and_forgotten_when_the_language_settings_change(settings):
    made = [gettext_lazy(f"Label {n}") for n in range(text._KEPT_AT_MOST + 10)]
    for label in made:
        assert text_of(label) == str(label)
    assert len(text._kept) <= text._KEPT_AT_MOST
    settings.LANGUAGE_CODE = "de"
    assert text._kept == {}
