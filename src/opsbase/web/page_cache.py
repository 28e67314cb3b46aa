"""Whole pages kept in the cache: the page's own data and the shell around it, rendered once.

A page is cached under a key made of what it shows: the page's data (its tenant's version,
``opsbase.core.cache``, plus what the page adds: the query, the caller's scope) and the
shell's (``page_shell_parts``: the deployment's release, ``deploy_release``; the user, the
active membership and the user's other memberships, all under the *auth version* that every
user, membership, role, tenant or token write replaces; the path, language, time zone and
date). So a write is seen on the very next request, a deploy on the first request it serves,
and no user, member, role or tenant is ever answered with another's page.

What is per request is never cached: the CSRF token (rendered as a placeholder that no one
outside can know, ``csrf_placeholder``, and put in per request) and flash messages (a
request with messages pending renders its page in full and stores nothing). Pages are
cached when ``OPSBASE_LIST_CACHE`` is on, for ``OPSBASE_LIST_CACHE_TIMEOUT`` seconds.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.autoreload import file_changed
from django.utils.html import escape
from django.utils.safestring import mark_safe

import opsbase
from opsbase.conf import setting
from opsbase.conf.env import get_str
from opsbase.core.cache import cache_get, cache_set, global_version

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/html; charset=utf-8"


def page_cache_enabled() -> bool:
    return bool(setting("LIST_CACHE"))


def messages_pending(request) -> bool:
    """True when the request has flash messages to show (counted, not consumed)."""
    try:
        return len(get_messages(request)) > 0
    except Exception:  # no message storage on this request: nothing to show
        return False


def release_id(
    version: str, release: str, template_dirs: Iterable[Path | str], static_manifest: str = ""
) -> str:
    """A digest of what a deployment renders pages with: the package *version*, the *release*
    the environment names (empty when none), every file under *template_dirs* (path relative
    to its directory, and content, in the engines' search order) and the static files'
    manifest hash (hashed file names appear in pages). Equal on every host and process of one
    deployment; another template file, or another release, gives another id."""
    digest = hashlib.sha256()
    for part in (version, release, static_manifest):
        digest.update(part.encode("utf-8") + b"\0")
    for directory in template_dirs:
        root = Path(directory)
        digest.update(b"\1")  # where one directory's files end: the order of directories counts
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError as exc:  # unreadable: never rendered either, but keep it in the id
                digest.update(type(exc).__name__.encode("ascii"))
            digest.update(b"\0")
    return digest.hexdigest()[:20]


def _template_dirs() -> list[Path]:
    from django.template import engines

    dirs: list[Path] = []
    for engine in engines.all():
        for directory in map(Path, engine.template_dirs):
            if directory not in dirs and directory.is_dir():
                dirs.append(directory)
    return dirs


def _static_manifest() -> str:
    from django.contrib.staticfiles.storage import staticfiles_storage

    try:
        return str(getattr(staticfiles_storage, "manifest_hash", "") or "")
    except Exception:  # a storage that cannot say: pages still change with templates
        logger.warning("static files manifest unreadable for the release id", exc_info=True)
        return ""


@functools.cache
def deploy_release() -> str:
    """This deployment's release id (``release_id``), computed on first use, once per process
    (some 200 small files: tens of milliseconds, never per request). A deploy restarts the
    processes, so each computes the new one. ``SENTRY_RELEASE`` counts when set: a name per
    deploy (the commit) also covers deploys that change only Python code."""
    return release_id(
        opsbase.__version__,
        get_str("SENTRY_RELEASE", ""),
        _template_dirs(),
        _static_manifest(),
    )


def _secret_mark(prefix: str, purpose: str) -> str:
    """``<prefix>-<40 hex>``: derived from ``SECRET_KEY``, *purpose* and the release, so equal
    on every process of a deployment and unknowable without the key."""
    mac = hmac.new(
        str(settings.SECRET_KEY).encode("utf-8"),
        f"{purpose}:".encode("ascii") + deploy_release().encode("ascii"),
        hashlib.sha256,
    )
    return f"{prefix}-{mac.hexdigest()[:40]}"


@functools.cache
def csrf_placeholder() -> str:
    """What stands for the request's CSRF token in a cached page (the token is masked anew
    per request, so each answer puts its own in). Derived from ``SECRET_KEY`` and the
    release: equal on every process of a deployment (a page cached by one is answered by
    another), and unknowable without the key. It never reaches a client, so no one can type
    it into a title or a comment that a cached page would then show with the viewer's token.
    """
    return _secret_mark("csrf", "opsbase.page_cache.csrf")


@functools.cache
def _shell_mark(name: str) -> str:
    """A placeholder for *name* in a cached shell, unknowable as ``csrf_placeholder`` is: no
    text a member types can stand in for it."""
    return _secret_mark(f"shell-{name}", f"opsbase.page_cache.shell.{name}")


def _forget_release(sender, file_path, **kwargs) -> None:
    # runserver reloads templates without restarting: the next page computes the id anew.
    deploy_release.cache_clear()
    csrf_placeholder.cache_clear()
    _shell_mark.cache_clear()


def _forget_secret(setting: str, **kwargs) -> None:
    if setting == "SECRET_KEY":
        csrf_placeholder.cache_clear()


setting_changed.connect(_forget_secret, dispatch_uid="opsbase_page_cache_csrf")


file_changed.connect(_forget_release, dispatch_uid="opsbase_page_cache_release")


def page_shell_parts(request, *, query: bool = True) -> tuple | None:
    """What the shell of *request*'s page shows besides the page's own data, as key parts;
    None when the page must be rendered in full (caching off, messages pending, no active
    membership, or the cache unreachable). Without *query*, the path stands without its query
    string: for a shell that shows the full path only where ``shell_next`` is put in."""
    membership = getattr(request, "membership", None)
    if not page_cache_enabled() or membership is None or messages_pending(request):
        return None
    try:
        auth = global_version("auth")
    except Exception:
        logger.warning("cache unavailable, rendering the page", exc_info=True)
        return None
    return (
        "shell",
        deploy_release(),
        auth,
        request.user.pk,
        membership.pk,
        request.get_full_path() if query else request.path,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
    )


def _with_token(request, body: bytes) -> bytes:
    return body.replace(csrf_placeholder().encode("ascii"), get_token(request).encode("ascii"))


def page_cached(request, key: str | None) -> HttpResponse | None:
    """The page cached under *key*, with this request's CSRF token; None on a miss."""
    body = cache_get(key) if key is not None else None
    if body is None:
        return None
    return HttpResponse(_with_token(request, body), content_type=CONTENT_TYPE)


def page_render(request, key: str | None, template: str, context: dict) -> HttpResponse:
    """*template* rendered for *request*; kept under *key* (when given) with the CSRF token
    left as a placeholder, which this response then carries as its own token."""
    context = {**context, "csrf_token": csrf_placeholder()}
    body = render_to_string(template, context, request).encode("utf-8")
    if key is not None:
        cache_set(key, body, setting("LIST_CACHE_TIMEOUT"))
    # The body is put into the response once: a list page's is some hundred kilobytes.
    return HttpResponse(_with_token(request, body), content_type=CONTENT_TYPE)


def page_around(
    request, key: str | None, template: str, context: dict, content: str
) -> HttpResponse:
    """*template*, a shell around ``{{ content }}`` that shows nothing of the page's data
    besides *context*, rendered around *content*; kept under *key* as ``page_render`` does.

    The shell itself (sidebar, menus, switcher: a third of a list page's rendering) is kept
    on its own, under what it shows (``page_shell_parts`` without the query string, the
    template and *context*), so the pages of one list with other filters, sorts or pages,
    and the same page after a write in the tenant, reuse it. The full path it shows (the
    switcher's ``next``) is put in per request, as the CSRF token is.
    """
    whole = {**context, "content": mark_safe(content)}  # noqa: S308 - rendered markup
    parts = page_shell_parts(request, query=False)
    if parts is None:
        return page_render(request, key, template, whole)
    described = repr((template, sorted((name, str(value)) for name, value in context.items())))
    digest = hashlib.sha256(repr((parts, described)).encode("utf-8")).hexdigest()
    shell_key = f"opsbase:shell:{digest}"
    shell = cache_get(shell_key)
    if shell is None:
        marks = {"content": _shell_mark("content"), "shell_next": _shell_mark("next")}
        marked = {**context, **marks, "csrf_token": csrf_placeholder()}
        before, found, after = render_to_string(template, marked, request).partition(
            marks["content"]
        )
        if not found:
            return page_render(request, key, template, whole)
        shell = (before, after)
        cache_set(shell_key, shell, setting("LIST_CACHE_TIMEOUT"))
    before, after = shell
    page = f"{before}{content}{after}".replace(_shell_mark("next"), escape(request.get_full_path()))
    body = page.encode("utf-8")
    if key is not None:
        cache_set(key, body, setting("LIST_CACHE_TIMEOUT"))
    return HttpResponse(_with_token(request, body), content_type=CONTENT_TYPE)


def cached_page(
    request, key: str | None, template: str, context: Callable[[], dict]
) -> HttpResponse:
    """The page of *key* from the cache, else *template* rendered with ``context()`` and kept."""
    return page_cached(request, key) or page_render(request, key, template, context())
