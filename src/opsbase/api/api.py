"""The API's own endpoints: ``auth/token/`` (sign in for a token), ``me/`` and ``tokens/``."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from opsbase.api.viewsets import PolicyViewSetMixin
from opsbase.kernel.policy import policy

from .errors import ApiError
from .filters import ApiTokenFilter
from .models import ApiToken
from .rules import MANAGE_TOKENS
from .schema import ErrorSerializer
from .selectors import api_membership_for_sign_in, api_token_get_for, api_token_list
from .serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    AuthTokenIssuedSerializer,
    AuthTokenSerializer,
    MeSerializer,
)
from .services import api_token_create, api_token_revoke, expiry_after_days
from .throttling import SignInRateThrottle

# One answer for a wrong password, an unknown account, an unknown organization and an
# organization the account is not an active member of: none of them may be told apart.
INVALID_CREDENTIALS = _("Unable to sign in with these credentials for this organization.")


class AuthTokenView(APIView):
    """Exchange an e-mail address, a password and an organization's slug for an API token.

    The token acts as the account's membership of that organization only. Failed attempts
    count towards the same lockout as the sign-in page.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [SignInRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        request=AuthTokenSerializer,
        responses={
            201: AuthTokenIssuedSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description=_("Invalid input or invalid_credentials.")
            ),
            429: OpenApiResponse(
                ErrorSerializer, description=_("throttled, or locked_out after failed attempts.")
            ),
        },
        auth=[],
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        http_request = request._request
        user = authenticate(request=http_request, username=data["email"], password=data["password"])
        if getattr(http_request, "axes_locked_out", False):
            # Answered here in the API's error format; left set, AxesMiddleware would swap
            # this answer for its HTML lockout page.
            http_request.axes_locked_out = False
            raise ApiError(
                _("Too many failed attempts: sign-in is paused for this account. Try later."),
                code="locked_out",
                status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        membership = None
        if user is not None:
            membership = api_membership_for_sign_in(user=user, tenant_slug=data["tenant"])
        if membership is None:
            raise ApiError(
                INVALID_CREDENTIALS,
                code="invalid_credentials",
                status_code=status.HTTP_400_BAD_REQUEST,
            )
        token, raw = api_token_create(
            membership=membership,
            name=data.get("name") or _("API sign-in"),
            expires_at=expiry_after_days(data.get("expires_in_days")),
        )
        body = {
            "token": raw,
            "prefix": token.prefix,
            "tenant": membership.tenant.slug,
            "role": membership.role.name,
            "expires_at": token.expires_at,
        }
        return Response(
            AuthTokenIssuedSerializer(body).data,
            status=status.HTTP_201_CREATED,
            headers={"Cache-Control": "no-store"},
        )


class MeView(APIView):
    """Who the caller is: user, organization, role and the permission codenames it grants."""

    @extend_schema(operation_id="me_retrieve", tags=["auth"], responses=MeSerializer)
    def get(self, request):
        membership = request.membership
        body = {
            "user": request.user,
            "tenant": membership.tenant,
            "role": membership.role,
            "membership": membership.pk,
            "permissions": sorted(policy.allowed_codenames(membership)),
            "authentication": "token" if isinstance(request.auth, ApiToken) else "session",
        }
        return Response(MeSerializer(body).data)


class ApiTokenViewSet(
    PolicyViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """API tokens: your own (an Admin sees every member's). A new token's secret is in the
    answer to its creation only."""

    serializer_class = ApiTokenSerializer
    codename = MANAGE_TOKENS
    filterset_class = ApiTokenFilter
    search_fields = ["name", "prefix"]
    ordering_fields = ["created_at", "last_used_at", "expires_at", "name"]
    ordering = ["-created_at", "-pk"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no membership
            return ApiToken.objects.unscoped().none()
        return api_token_list(membership=self.request.membership)

    def get_object_for(self, pk):
        return api_token_get_for(membership=self.request.membership, pk=pk)

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = api_token_create(
            membership=request.membership,
            name=serializer.validated_data["name"],
            expires_at=expiry_after_days(serializer.validated_data.get("expires_in_days")),
        )
        token = api_token_get_for(membership=request.membership, pk=token.pk)
        token.token = raw
        return Response(
            ApiTokenCreatedSerializer(token).data,
            status=status.HTTP_201_CREATED,
            headers={"Cache-Control": "no-store"},
        )

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Stop the token from working, at once and for good."""
        token = api_token_revoke(membership=request.membership, token=self.get_object())
        return Response(self.get_serializer(token).data)
