"""Ask the policy from templates, to hide what the membership cannot use.

::

    {% load opsbase_policy %}
    {% can "tasks.change_task" task as may_edit %}
    {% if may_edit %}<a href="...">Edit</a>{% endif %}
    {% denial_reason "tasks.change_task" task as why %}

Hiding is a courtesy; the service makes the authoritative check.
"""

from __future__ import annotations

from django import template

from opsbase.kernel.policy import policy

register = template.Library()


def _membership(context):
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None:
        membership = context.get("membership")
    return membership


@register.simple_tag(takes_context=True)
def can(context, codename: str, obj=None) -> bool:
    """True when the request's membership may use *codename* (on *obj*, when given)."""
    return policy.can(_membership(context), codename, obj)


@register.simple_tag(takes_context=True)
def denial_reason(context, codename: str, obj=None) -> str:
    """Why the membership may not use *codename* (on *obj*); empty when it may."""
    decision = policy.decide(_membership(context), codename, obj)
    return "" if decision.allowed else decision.reason
