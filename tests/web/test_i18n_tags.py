"""``{% load opsbase_i18n %}``: Django's i18n library with literal ``{% translate %}`` tags
kept per language, everything else Django's own, and the output what Django's tags give."""

import pytest
from django.template import Context, Engine, engines
from django.utils import translation

from opsbase.web.templatetags import opsbase_i18n

SOURCE = (
    "{% load opsbase_i18n %}"
    '<p title="{% translate "Yes" %}">{% translate "No" %}</p>'
    '{% translate "Yes" as yes %}[{{ yes }}]'
    "{% translate word %}|{% translate 'No'|upper %}|{% translate 'May' context 'month name' %}"
    "{% translate '<b>&' %}{% autoescape off %}{% translate '<b>&' %}{% endautoescape %}"
    "{% translate '100%% sure' %}|{% translate 'No' noop %}"
)


def _render(engine, language: str, **context) -> str:
    with translation.override(language):
        return engine.from_string(SOURCE).render(context)


def _django(language: str, **context) -> str:
    plain = Engine(libraries={"opsbase_i18n": "django.templatetags.i18n"})  # Django's tags
    with translation.override(language):
        return plain.from_string(SOURCE).render(Context(context))


@pytest.fixture
def fresh():
    opsbase_i18n._rendered.clear()
    yield
    opsbase_i18n._rendered.clear()


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_the_tags_render_what_djangos_render(fresh, language):
    engine = engines["django"]
    first = _render(engine, language, word="Yes")
    again = _render(engine, language, word="Yes")  # from what was kept

    assert first == again == _django(language, word="Yes")


def test_a_kept_literal_follows_the_active_language(fresh):
    engine = engines["django"]

    assert '<p title="Yes">No</p>[Yes]' in _render(engine, "en")
    assert '<p title="Oui">Non</p>[Oui]' in _render(engine, "fr")
    assert '<p title="Yes">No</p>[Yes]' in _render(engine, "en")


def test_literals_with_filters_a_context_or_noop_are_not_kept(fresh):
    html = _render(engines["django"], "en", word="x")

    assert "|NO|May" in html  # the filter applied, the context's message translated
    messages = {message for message, _language, _escape in opsbase_i18n._rendered}
    assert messages == {"Yes", "No", "<b>&", "100%% sure"}


def test_the_kept_text_is_forgotten_when_the_language_settings_change(fresh, settings):
    _render(engines["django"], "en")
    assert opsbase_i18n._rendered

    settings.LANGUAGES = [("en", "English"), ("fr", "French")]

    assert not opsbase_i18n._rendered


def test_opsbase_templates_load_the_kept_translations_and_check_stays_quiet():
    import re
    from pathlib import Path

    from django.core import checks

    import opsbase

    root = Path(opsbase.__file__).parent
    plain = [
        path.relative_to(root)
        for path in root.rglob("templates/**/*")
        if path.is_file() and re.search(r"\{% load [^%]*\bi18n\b", path.read_text(errors="ignore"))
    ]
    assert plain == []  # each loads opsbase_i18n
    assert [m for m in checks.run_checks(tags=["templates"]) if m.id.endswith("003")] == []


def test_a_language_block_speaks_its_language_and_the_template_its_own_after_it(fresh, monkeypatch):
    engine = engines["django"]
    template = engine.from_string(
        "{% load opsbase_i18n %}{% translate 'Yes' %}|"
        "{% language 'de' %}{% translate 'Yes' %}{% include 'opsbase_i18n_test.html' %}"
        "{% endlanguage %}|{% translate 'Yes' %}"
    )
    inner = engine.from_string("{% load opsbase_i18n %}<{% translate 'No' %}>")
    loader = engine.engine.template_loaders[0]
    real = loader.get_template
    monkeypatch.setattr(
        loader,
        "get_template",
        lambda name, *a, **k: inner.template if name == "opsbase_i18n_test.html" else real(name),
    )
    with translation.override("en"):
        assert template.render({}) == "Yes|Ja<Nein>|Yes"
    with translation.override("de"):
        assert template.render({}) == "Ja|Ja<Nein>|Ja"
