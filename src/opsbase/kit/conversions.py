"""Conversions: a record becomes one of another module's (a won lead, a customer) through
that module's hook (``kit.hooks``), without importing it; absent, the option is not offered::

    TO_CUSTOMER = Conversion(
        hook="customers.customer_create", codename=CHANGE, ready=won_only,
        values=lambda lead: {"name": lead.company or lead.name, "email": lead.email},
    )

``run`` checks the right on the record and that it is ready, calls the hook with ``values``
and the record's reference (``source="leads.lead:12"``), and keeps the new record's
reference on the record (``ref_field``, audited): converting twice answers the first one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.api.schema import ErrorSerializer
from opsbase.core.exceptions import NotFound
from opsbase.core.writes import atomic_write
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

from .hooks import hook
from .services import record_update

__all__ = ["Conversion"]


@dataclass(frozen=True)
class Conversion:
    hook: str
    codename: str
    #: Raises (``InvalidTransition``) when the record cannot be converted yet.
    ready: Callable[[Any], None]
    values: Callable[[Any], dict[str, Any]]
    ref_field: str = "converted_to"

    def offered(self, obj: Any) -> bool:
        """Whether the provider is installed and *obj* not converted yet."""
        return hook(self.hook) is not None and not getattr(obj, self.ref_field)

    def run(self, *, membership: Membership, obj: Any) -> str:
        """The new record's reference (``"customers.customer:12"``); 404 without the
        provider."""
        return _run(self, membership, obj)

    def page_view(self, entity: Any, success: Any) -> Any:
        """The record page's button: ``POST <pk>/convert/``, back to the page saying
        *success* (or why not)."""
        from .views import record_action_view

        return record_action_view(
            entity,
            lambda request, membership, obj: self.run(membership=membership, obj=obj),
            success,
        )

    def api_action(self, answer: str) -> Any:
        """A viewset's ``POST …/<pk>/convert/``: ``{"<answer>": reference}``."""
        conversion = self
        body = type(
            f"{answer.capitalize()}ConversionSerializer",
            (serializers.Serializer,),
            {answer: serializers.CharField(), "__module__": __name__},
        )

        @extend_schema(
            request=None,
            responses={200: body, 404: ErrorSerializer},
            summary="Convert (404 when the module it converts into is not installed)",
        )
        @action(detail=True, methods=["post"])
        def convert(view: Any, request: Any, pk: Any = None) -> Response:
            ref = conversion.run(membership=request.membership, obj=view.get_object())
            return Response({answer: ref})

        return convert


@atomic_write
def _run(conversion: Conversion, membership: Membership, obj: Any) -> str:
    create = hook(conversion.hook)
    if create is None:
        raise NotFound(_("The module it converts into is not installed."))
    policy.require(membership, conversion.codename, obj)
    conversion.ready(obj)
    done = getattr(obj, conversion.ref_field)
    if done:
        return str(done)
    source = f"{obj._meta.label_lower}:{obj.pk}"
    made = create(membership=membership, **conversion.values(obj), source=source)
    ref = f"{made._meta.label_lower}:{made.pk}"
    record_update(
        membership=membership,
        obj=obj,
        codename=conversion.codename,
        changes={conversion.ref_field: ref},
    )
    return ref
