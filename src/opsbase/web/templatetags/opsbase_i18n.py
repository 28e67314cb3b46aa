"""Django's ``i18n`` template library, with ``{% translate "literal" %}`` kept per language.

A list page renders about 130 ``{% translate %}`` tags, nearly all of fixed text. Django
translates each one on every render: the active language looked up, the message found in the
catalogs, the result escaped and its ``%%`` restored; together about 7% of a computed list
page. Here a tag whose text is a plain literal (no filter, no variable context, not ``noop``)
keeps what it rendered per active language and escaping, so later renders look it up once.
Every other use of the library is Django's own.

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
        key = (self.message, translation.get_language(), context.autoescape)
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
