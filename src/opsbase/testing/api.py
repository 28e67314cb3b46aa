"""API test clients: ``token_client(membership)`` signs requests with a fresh API token.

It fits the access matrix as its ``login``::

    AccessMatrix(
        login=token_client,
        make=lambda owner: ...,
        request=lambda client, obj: client.get(f"/api/v1/things/{obj.pk}/"),
        expect={...},
    ).check(world)
"""

from __future__ import annotations

from rest_framework.test import APIClient

from opsbase.api.keys import key_generate, key_hash, key_prefix
from opsbase.api.models import ApiToken


def token_for(membership, *, name: str = "test token", **fields) -> tuple[ApiToken, str]:
    """A token of *membership* and its raw form, made directly (like a factory: whatever
    the membership's role may do, so tests can also reach the policy's refusals)."""
    raw = key_generate()
    token = ApiToken.objects.create(
        tenant_id=membership.tenant_id,
        membership=membership,
        name=name,
        prefix=key_prefix(raw),
        key_hash=key_hash(raw),
        **fields,
    )
    return token, raw


def token_client(membership, **fields) -> APIClient:
    """An ``APIClient`` that sends ``Authorization: Token <a fresh token of membership>``."""
    token, raw = token_for(membership, **fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    # The token it sends, for tests that revoke or inspect it (an attribute of our own).
    client.api_token = token  # type: ignore[attr-defined]
    return client
