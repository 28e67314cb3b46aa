"""Django's ``i18n`` template library, with ``{% translate "literal" %}`` kept per language.

A list page renders about 130 ``{% translate %}`` tags, nearly all of fixed text. Django
translates each one on every render: the active language looked up, the message found in the
catalogs, the result escaped and its ``%%`` restored; together about 7% of a computed list
page. Here a tag whose text is a plain literal (no filter, no variable context, not ``noop``)
keeps what it rendered per active language and escaping, so later renders look it up once,
and the active language itself is looked up once per template rendered (``{% language %}``
looks it up again for its block). Every other use of the library is Django's own.

OpsBase's templates load it as ``{% load opsbase_i18n %}``, in place of ``{% load i18n %}``:
it has every tag and filter of Django's library. (Installing it under Django's own name would
make ``check`` warn that two libraries share it.) What is kept is forgotten when the language
settings or the catalogs' locations change (``setting_changed``, as in tests); a deployment
reads its catalogs once per process, as Django does.
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.template import Library
from django.templatetags import i18n as django_i18n
from django.utils import translation

register = Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

#: (message, language, autoescape) → the tag's output. Bounded by the templates' literals
#: times the configured languages.
_rendered: dict[tuple[str, str | None, bool], str] = {}


class LiteralTranslateNode(django_i18n.TranslateNode):
    """``{% translate "text" %}`` (``as name`` allowed) rendered once per language."""

    def __init__(self, node: django_i18n.TranslateNode) -> None:
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        self.message = node.filter_expression.var.literal

    def render(self, context: Any) -> str:
        key = (self.message, _language(context), context.autoescape)
        value = _rendered.get(key)
        if value is None:
            value = super().render(context)
            if self.asvar:
                value = context[self.asvar]
            _rendered[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


_LANGUAGE = "opsbase_i18n.language"


def _language(context: Any) -> str | None:
    """The active language, looked up once per template rendered (a template shows a few
    dozen literals, and each look-up goes through the translation's context-local state).
    ``{% language %}`` forgets it for its block (``LanguageNode`` below)."""
    render = context.render_context
    found = render.get(_LANGUAGE, _LANGUAGE)
    if found is _LANGUAGE:
        found = render[_LANGUAGE] = translation.get_language()
    return found


class LanguageNode(django_i18n.LanguageNode):
    """``{% language %}``: Django's, and the template's literals inside it are looked up in
    the block's language."""

    def render(self, context: Any) -> str:
        render = context.render_context
        before = render.get(_LANGUAGE, _LANGUAGE)
        render[_LANGUAGE] = _LANGUAGE  # not known: looked up again inside the block
        try:
            return super().render(context)
        finally:
            render[_LANGUAGE] = before


@register.tag("language")
def language(parser: Any, token: Any) -> LanguageNode:
    node = django_i18n.language(parser, token)
    return LanguageNode(node.nodelist, node.language)


def _is_literal(node: django_i18n.TranslateNode) -> bool:
    expression = node.filter_expression
    return bool(
        not node.noop
        and node.message_context is None
        and not expression.filters
        and isinstance(getattr(expression.var, "literal", None), str)
    )


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Any, token: Any) -> django_i18n.TranslateNode:
    node = django_i18n.do_translate(parser, token)
    return LiteralTranslateNode(node) if _is_literal(node) else node


def _forget(setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _rendered.clear()


setting_changed.connect(_forget, dispatch_uid="opsbase_i18n_literals")
