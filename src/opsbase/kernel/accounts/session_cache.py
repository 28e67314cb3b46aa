"""The signed-in user of a session read from the cache: no query per request once cached.

Django's own lookup (``django.contrib.auth.get_user``) reads the user by the id the session
holds and checks the session's hash of the password against the user's. The first request
of a user does exactly that; the user it finds is then kept in the cache, without the
password hash (the field is deferred: read again if ever needed, and left out of a save),
together with the session hash it verifies to, for the current *auth version*
(``opsbase.api.auth_cache``: any user, membership, role, tenant or token write replaces it;
a password change is a user write). A later request of any session of that user is answered
from the cache when its session hash is that one; any other is left to Django, which signs
it out as it always does. The key holds a digest of ``SECRET_KEY``, so a rotated key is
never answered with hashes made under the old one.

With the auth cache off, the user is read by one query compiled once (``opsbase.core.compiled``;
the membership middleware reads it joined to the user's memberships, one query for both)
and answered only when the session's hash verifies against it under the current key and the
account is active, exactly Django's ``ModelBackend`` rules (``session_verifies``); anything
else (no such user, a hash made under a key in ``SECRET_KEY_FALLBACKS``, another backend) is
left to Django's lookup.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, get_user_model
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare

from opsbase.conf import setting
from opsbase.core.cache import stamped_get, stamped_set
from opsbase.core.compiled import compiled

#: The backend whose users are read here when the auth cache is off (its ``get_user`` rules).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def session_user_id(request) -> str | None:
    """The id of the user *request*'s session is signed in as (by a configured backend)."""
    session = request.session
    user_id = session.get(USER_SESSION_KEY)
    if user_id is None or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    return str(user_id)


def session_user_cache_key(user_id: str) -> str | None:
    """Where the session user *user_id* is kept; None when the auth cache is off."""
    if not setting("AUTH_CACHE_TIMEOUT"):
        return None
    secret = hashlib.sha256(str(settings.SECRET_KEY).encode("utf-8")).hexdigest()[:12]
    return f"opsbase:auth:session-user:{user_id}:{secret}"


def session_user(request):
    """*request*'s user: from the cache when its session verifies against the cached entry,
    else Django's lookup (``request.user``), then kept for the next request."""
    user_id = session_user_id(request)
    if user_id is None:
        return request.user
    key = session_user_cache_key(user_id)
    if key is None:
        return _session_user_read(request, user_id) or request.user
    entry, version = stamped_get(key, "auth")
    if isinstance(entry, tuple) and len(entry) == 2:
        user, auth_hash = entry
        session_hash = request.session.get(HASH_SESSION_KEY) or ""
        verified = bool(session_hash) and constant_time_compare(session_hash, auth_hash)
        if verified and str(user.pk) == user_id:
            return user
    user = request.user  # Django's lookup and checks (it may sign the session out)
    session_hash = request.session.get(HASH_SESSION_KEY) or ""
    if user.is_authenticated and str(user.pk) == user_id and session_hash:
        auth_hash = user.get_session_auth_hash()
        if constant_time_compare(session_hash, auth_hash):
            _store(key, version, user, auth_hash)
    return user


def session_user_key(request, user_id: str) -> int | None:
    """The integer key of the session's user *user_id* when Django's ``ModelBackend`` signed
    it in: what a query of ours may read it by (else None: Django's lookup decides)."""
    if request.session.get(BACKEND_SESSION_KEY) != MODEL_BACKEND:
        return None
    try:
        pk = get_user_model()._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    return pk if isinstance(pk, int) else None  # compiled queries' placeholders are integers


def session_verifies(request, user) -> bool:
    """*user* may be the session's user as ``ModelBackend`` would answer it: the account is
    active and the session's hash verifies under the current key."""
    session_hash = request.session.get(HASH_SESSION_KEY) or ""
    if user is None or not getattr(user, "is_active", True) or not session_hash:
        return False
    return constant_time_compare(session_hash, user.get_session_auth_hash())


def _session_user_read(request, user_id: str):
    """The session's user read by a compiled query when Django's ``ModelBackend`` signed it
    in, the account is active and the session's hash verifies; else None (Django decides)."""
    pk = session_user_key(request, user_id)
    if pk is None:
        return None
    model = get_user_model()
    found = compiled(model, "accounts.session_user", _user_by_pk, [-1]).objects([pk])
    user = found[0] if found else None
    return user if session_verifies(request, user) else None


def _user_by_pk(pk: int):
    return get_user_model()._default_manager.filter(pk=pk)


def _store(key: str, version: str | None, user, auth_hash: str) -> None:
    # The user as loaded, minus the password hash (restored on the request's own object).
    # Unwrapped from the request's lazy object, so the cache holds the model, not a proxy.
    user = getattr(user, "_wrapped", user)
    password = user.__dict__.pop("password", None)
    try:
        stamped_set(key, version, (user, auth_hash), setting("AUTH_CACHE_TIMEOUT"))
    finally:
        if password is not None:
            user.__dict__["password"] = password
