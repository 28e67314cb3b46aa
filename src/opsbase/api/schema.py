"""OpenAPI pieces: the two authentication schemes and the one error format.

``AutoSchema`` (``DEFAULT_SCHEMA_CLASS``) documents the error answers every operation can
give (400 for writes and list filters, 401/403 for protected views, 404 for paths with an
id and for list pages past the end, 429) with the
``Error`` component, unless an operation declares its own.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=_(
            "Stable, machine-readable: not_authenticated, authentication_failed, token_invalid, "
            "token_revoked, token_expired, permission_denied, not_found, validation_error, "
            "invalid_transition, invalid_credentials, locked_out, throttled, method_not_allowed…"
        )
    )
    message = serializers.CharField(help_text=_("A sentence for a person."))
    # A response field named "fields" (it shadows Serializer.fields only in this schema class).
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Validation errors only: field name -> messages."),
    )
    details = serializers.DictField(
        required=False, help_text=_("Structured extras, e.g. retry_after (seconds) or allowed.")
    )
    request_id = serializers.CharField(required=False, help_text=_("Quote it when reporting."))


class ErrorSerializer(serializers.Serializer):
    """The body of every API error."""

    error = ErrorDetailSerializer()


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "opsbase.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"
    match_subclasses = True

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(
                _(
                    "An API token of one membership: `Authorization: Token <token>` "
                    "(`Bearer <token>` works too). Get one from POST /api/v1/auth/token/ "
                    "or the API tokens page."
                )
            ),
        }


class SessionMembershipScheme(OpenApiAuthenticationExtension):
    target_class = "opsbase.api.authentication.SessionMembershipAuthentication"
    name = "cookieAuth"
    match_subclasses = True

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with the shared error answers added to each operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
                responses[code]["description"] = str(description)
        return responses

    def _error_codes(self):
        codes = []
        if self.method in _WRITE_METHODS:
            codes.append(
                ("400", _("Invalid input, or a change the rules refuse (validation_error)."))
            )
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes.append(("401", _("No, or no valid, credentials.")))
            codes.append(("403", _("Not allowed (the reason is in the message).")))
        is_list = self.method == "GET" and self._is_list_view()
        if is_list and "400" not in dict(codes):
            codes.append(("400", _("Invalid filter or query parameter (validation_error).")))
        if "{" in self.path:
            codes.append(("404", _("Not found (or another organization's).")))
        elif is_list:
            codes.append(("404", _("No such page (not_found).")))
        codes.append(("429", _("Too many requests; see the Retry-After header.")))
        return codes
