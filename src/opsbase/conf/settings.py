"""Build a complete Django settings mapping from the environment.

Embedded defaults let a new user run everything with nothing installed (SQLite, local-memory
cache, eager Celery tasks, console e-mail). Each production part is switched on by one
variable: ``DATABASE_URL``, ``REDIS_URL``, ``CELERY_BROKER_URL``, ``EMAIL_URL``,
``SENTRY_DSN``. In ``prod`` (and ``staging``) the values that must be chosen by a person are
required, and a missing or malformed one stops start-up with one line naming it.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
from collections.abc import Container, Iterable, Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse

from . import defaults
from .env import ConfigError, get_bool, get_int, get_list, get_str, get_url, load_env

DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql", "mysql", "mariadb")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "corsheaders",
    "axes",
    "django_prometheus",
]


class AppsEnumNames(Mapping[str, str]):
    """drf-spectacular's ``ENUM_NAME_OVERRIDES``: *base*, plus the ``api_enum_names`` every
    installed app declares (``opsbase.kernel.modules.ModuleConfig``), read when the schema is
    built, since settings are made before the apps are loaded."""

    def __init__(self, base: Mapping[str, str]) -> None:
        self.base = dict(base)

    def _names(self) -> dict[str, str]:
        from django.apps import apps

        names = dict(self.base)
        if apps.ready:
            for config in apps.get_app_configs():
                names.update(getattr(config, "api_enum_names", {}))
        return names

    def __getitem__(self, key: str) -> str:
        return self._names()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __deepcopy__(self, memo: dict[int, Any]) -> AppsEnumNames:
        return self


def build_settings(
    base_dir: Path | str, environment: str | None = None, *, extra_apps: list[str] | None = None
) -> dict[str, Any]:
    """Return the settings for *environment* (``DJANGO_ENV`` when not given) of a project."""
    base_dir = Path(base_dir).resolve()
    environment = environment or os.environ.get("DJANGO_ENV", "dev")
    load_env(base_dir, environment)
    deployed = environment in ("prod", "staging")

    debug = get_bool("DEBUG", default=environment == "dev")
    if deployed and debug:
        raise ConfigError("DEBUG", "is true in a deployed environment", "set DEBUG=false")

    s: dict[str, Any] = {}
    s["BASE_DIR"] = base_dir
    s["OPSBASE_ENVIRONMENT"] = environment
    s["DEBUG"] = debug
    s["SECRET_KEY"] = _secret_key(environment)
    s["ALLOWED_HOSTS"] = get_list(
        "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"], required=deployed
    )
    s["CSRF_TRUSTED_ORIGINS"] = get_list("CSRF_TRUSTED_ORIGINS")
    # The app's public URL (`manage.py dns` points its host here); `opsbase new` writes the
    # origin into CSRF_TRUSTED_ORIGINS, so that is the fallback.
    public_url = get_url("OPSBASE_PUBLIC_URL", schemes=("https", "http"))
    s["OPSBASE_PUBLIC_URL"] = (public_url or next(iter(s["CSRF_TRUSTED_ORIGINS"]), "")).rstrip("/")

    s["INSTALLED_APPS"] = [
        *DJANGO_APPS,
        *THIRD_PARTY_APPS,
        *defaults.OPSBASE_KERNEL_APPS,
        *(extra_apps or []),
    ]
    s["MIDDLEWARE"] = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        "opsbase.core.rls.RlsScopeMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "opsbase.core.security.PermissionsPolicyMiddleware",
        "opsbase.core.middleware.RequestIdMiddleware",
        "opsbase.core.observability.RequestLogMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "corsheaders.middleware.CorsMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "opsbase.kernel.tenants.middleware.ActiveMembershipMiddleware",
        # Signed-in answers (pages, CSV, JSON) kept by no shared cache or browser history.
        "opsbase.core.security.PrivateCacheMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "opsbase.web.middleware.OpsBaseErrorMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "csp.middleware.CSPMiddleware",
        "axes.middleware.AxesMiddleware",
        "opsbase.core.rls.AdminRlsBypassMiddleware",
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]
    if deployed:
        # Static files (collected) straight after the security headers: no session, log line
        # or query. Development serves them from the apps (runserver, DEBUG).
        security = s["MIDDLEWARE"].index("django.middleware.security.SecurityMiddleware")
        s["MIDDLEWARE"].insert(security + 1, "whitenoise.middleware.WhiteNoiseMiddleware")
    s["ROOT_URLCONF"] = "opsbase.urls"
    s["WSGI_APPLICATION"] = None
    s["TEMPLATES"] = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [base_dir / "templates"],
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.debug",
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                    "opsbase.web.context_processors.shell",
                ],
            },
        }
    ]

    s["DATABASES"] = {"default": database_config(base_dir, required=deployed)}
    # A connection whose last request ended this recently is reused without Django's
    # ``SELECT 1`` health check (opsbase.core.connections); 0 checks before every request.
    s["OPSBASE_DB_HEALTH_CHECK_DELAY"] = get_int("DATABASE_HEALTH_CHECK_DELAY", 1)
    s["DEFAULT_AUTO_FIELD"] = "django.db.models.BigAutoField"
    s["CACHES"] = {"default": cache_config()}
    if s["CACHES"]["default"]["BACKEND"].endswith("RedisCache"):
        # Sessions read from Redis, written through to the database (which outlives it).
        s["SESSION_ENGINE"] = "django.contrib.sessions.backends.cached_db"
    s.update(celery_config())
    s.update(email_config(required=False))

    s["AUTH_USER_MODEL"] = "accounts.User"
    s["AUTHENTICATION_BACKENDS"] = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    s["AUTH_PASSWORD_VALIDATORS"] = password_validators()
    s["LOGIN_URL"] = "accounts:login"
    s["LOGIN_REDIRECT_URL"] = "web:home"
    s["LOGOUT_REDIRECT_URL"] = "accounts:login"

    # How many proxy hops are trusted: the one client address (opsbase.core.middleware.
    # client_ip) of the lockout, the throttles, the audit and the logs. OPSBASE_PROXY_COUNT
    # is its former name, still read.
    trusted_proxies = get_int(
        "OPSBASE_TRUSTED_PROXIES",
        get_int("OPSBASE_PROXY_COUNT", defaults.OPSBASE_TRUSTED_PROXIES),
    )
    s["OPSBASE_TRUSTED_PROXIES"] = trusted_proxies

    # Failed logins: lock the (account, address) pair out for a while, and an address that
    # fails on many accounts (OPSBASE_LOGIN_ADDRESS_FAILURE_LIMIT); both counted in the
    # database, so every process and the web form and the API token endpoint share them.
    s["AXES_FAILURE_LIMIT"] = get_int("OPSBASE_LOGIN_FAILURE_LIMIT", 5)
    s["OPSBASE_LOGIN_ADDRESS_FAILURE_LIMIT"] = get_int(
        "OPSBASE_LOGIN_ADDRESS_FAILURE_LIMIT", defaults.OPSBASE_LOGIN_ADDRESS_FAILURE_LIMIT
    )
    s["AXES_COOLOFF_TIME"] = timedelta(minutes=get_int("OPSBASE_LOGIN_LOCKOUT_MINUTES", 15))
    s["AXES_LOCKOUT_PARAMETERS"] = [["username", "ip_address"]]
    s["AXES_CLIENT_IP_CALLABLE"] = "opsbase.core.middleware.client_ip"
    # The account as one key whatever its letter case or surrounding spaces.
    s["AXES_USERNAME_CALLABLE"] = "opsbase.kernel.accounts.lockout.sign_in_identity"
    # The key under which axes finds the account in credentials. Its default is the user
    # model's USERNAME_FIELD ("email"), but authenticate() and the failed-login signal carry
    # it as "username": with the default, failures were counted without the account and the
    # lockout check never matched them.
    s["AXES_USERNAME_FORM_FIELD"] = "username"
    s["AXES_RESET_ON_SUCCESS"] = True
    s["AXES_LOCKOUT_TEMPLATE"] = "accounts/locked_out.html"
    s["AXES_VERBOSE"] = False
    s["AXES_HANDLER"] = "opsbase.kernel.accounts.lockout.LockoutHandler"

    s["LANGUAGE_CODE"] = get_str("LANGUAGE_CODE", "en-us")
    s["TIME_ZONE"] = get_str("TIME_ZONE", "UTC")
    s["USE_I18N"] = True
    s["USE_TZ"] = True

    s["STATIC_URL"] = get_str("STATIC_URL", "/static/")
    s["STATIC_ROOT"] = Path(get_str("STATIC_ROOT", str(base_dir / "staticfiles")))
    s["MEDIA_URL"] = get_str("MEDIA_URL", "/media/")
    s["MEDIA_ROOT"] = Path(get_str("MEDIA_ROOT", str(base_dir / "media")))
    s.update(storage_config(deployed=deployed))
    # Unhashed files (favicon.ico, robots.txt...) may change under the same name: a minute.
    s["WHITENOISE_MAX_AGE"] = get_int("WHITENOISE_MAX_AGE", 60)

    s["CRISPY_ALLOWED_TEMPLATE_PACKS"] = "bootstrap5"
    s["CRISPY_TEMPLATE_PACK"] = "bootstrap5"
    s["MESSAGE_STORAGE"] = "django.contrib.messages.storage.session.SessionStorage"

    s["REST_FRAMEWORK"] = rest_framework_config(environment, trusted_proxies=trusted_proxies)
    s["SPECTACULAR_SETTINGS"] = {
        "TITLE": "OpsBase API",
        "DESCRIPTION": "Tenant-scoped REST API of an OpsBase application. "
        "Authenticate with `Authorization: Token <token>`; every token belongs to one "
        "membership, so every answer is limited to that tenant.",
        "VERSION": "1",
        "SERVE_INCLUDE_SCHEMA": False,
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        "COMPONENT_SPLIT_REQUEST": True,
        # Operations are grouped (tagged) by the resource after the version (a module's prefix).
        "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
        # Every app has a "status"; name each enum after its model so none collide. Modules
        # name theirs in ModuleConfig.api_enum_names, read when the schema is built.
        "ENUM_NAME_OVERRIDES": AppsEnumNames(
            {"ApiTokenStatusEnum": "opsbase.api.models.ApiTokenStatus"}
        ),
    }
    s["CORS_ALLOWED_ORIGINS"] = get_list("CORS_ALLOWED_ORIGINS")
    s["CORS_URLS_REGEX"] = r"^/api/.*$"

    s["CONTENT_SECURITY_POLICY"] = {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'none'"],
        }
    }
    if s["OPSBASE_CDN_URL"]:
        # The app's own static files, served from its CDN host: trusted like 'self'.
        for directive in ("script-src", "style-src", "img-src", "font-src"):
            s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"][directive].append(s["OPSBASE_CDN_URL"])
    s["X_FRAME_OPTIONS"] = "DENY"
    s["SECURE_CROSS_ORIGIN_OPENER_POLICY"] = "same-origin"
    s["SECURE_CONTENT_TYPE_NOSNIFF"] = True
    s["SECURE_REFERRER_POLICY"] = "same-origin"
    s["SESSION_COOKIE_HTTPONLY"] = True
    s["SESSION_COOKIE_SAMESITE"] = "Lax"
    s["CSRF_COOKIE_SAMESITE"] = "Lax"
    if deployed:
        s.update(_deployed_security())

    # Request bodies: form fields and JSON are read into memory up to this size (413 above);
    # files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file instead of memory.
    s["DATA_UPLOAD_MAX_MEMORY_SIZE"] = get_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
    s["FILE_UPLOAD_MAX_MEMORY_SIZE"] = get_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
    s["DATA_UPLOAD_MAX_NUMBER_FIELDS"] = get_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
    s["DATA_UPLOAD_MAX_NUMBER_FILES"] = get_int("DATA_UPLOAD_MAX_NUMBER_FILES", 20)
    s["FILE_UPLOAD_PERMISSIONS"] = 0o640
    s["OPSBASE_UPLOAD_MAX_SIZE"] = get_int(
        "OPSBASE_UPLOAD_MAX_SIZE", defaults.OPSBASE_UPLOAD_MAX_SIZE
    )

    s["OPSBASE_ADMIN_URL"] = _admin_url()
    s["OPSBASE_SITE_NAME"] = get_str("OPSBASE_SITE_NAME", defaults.OPSBASE_SITE_NAME)
    s["OPSBASE_POSTGRES_RLS"] = get_bool("OPSBASE_POSTGRES_RLS", defaults.OPSBASE_POSTGRES_RLS)
    s["OPSBASE_METRICS_TOKEN"] = get_str("OPSBASE_METRICS_TOKEN")
    s["OPSBASE_SLOW_QUERY_MS"] = get_int("OPSBASE_SLOW_QUERY_MS", defaults.OPSBASE_SLOW_QUERY_MS)
    s["OPSBASE_GC_FREEZE"] = get_bool("OPSBASE_GC_FREEZE", defaults.OPSBASE_GC_FREEZE)
    # Tests share one local-memory cache while the database is rolled back between them (and
    # SQLite reuses ids): cached lists would outlive their rows, so tests turn caching on
    # where they exercise it.
    s["OPSBASE_LIST_CACHE"] = get_bool(
        "OPSBASE_LIST_CACHE", defaults.OPSBASE_LIST_CACHE and environment != "test"
    )
    s["OPSBASE_LIST_CACHE_TIMEOUT"] = get_int(
        "OPSBASE_LIST_CACHE_TIMEOUT", defaults.OPSBASE_LIST_CACHE_TIMEOUT
    )
    if get_str("OPSBASE_CACHE_SHARED"):
        # Judged from the cache backend when unset (opsbase.core.cache.cache_shared).
        s["OPSBASE_CACHE_SHARED"] = get_bool("OPSBASE_CACHE_SHARED")
    s["OPSBASE_AUTH_CACHE_TIMEOUT"] = get_int(
        "OPSBASE_AUTH_CACHE_TIMEOUT",
        defaults.OPSBASE_AUTH_CACHE_TIMEOUT if environment != "test" else 0,
    )

    s["LOG_DIR"] = Path(get_str("OPSBASE_LOG_DIR", str(base_dir / "logs")))
    s["LOGGING"] = logging_config(
        s["LOG_DIR"],
        level=get_str("LOG_LEVEL", "INFO"),
        # Statements with their parameters (password hashes, personal data): development only.
        sql=environment == "dev" and get_bool("OPSBASE_SQL_LOG", True),
    )
    s.update(audit_config(s["LOG_DIR"]))

    s.update(app_environment_settings(extra_apps or (), environment, taken=s))

    if environment == "test":
        s["PASSWORD_HASHERS"] = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        s["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

    _init_sentry(environment)
    return s


def app_environment_settings(
    apps: Iterable[str], environment: str, *, taken: Container[str] = ()
) -> dict[str, Any]:
    """The settings the *apps* (a project's modules) read from the environment, so that a
    module's variables live in the module: an app package's ``environment.py`` defines
    ``settings(environment)`` returning them. It runs before the app registry exists: it
    reads variables (``opsbase.conf.env``) and imports no models. A name in *taken*
    (OpsBase's own) or declared by two apps stops start-up naming both."""
    found: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for app in apps:
        name = f"{app}.environment"
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # an AppConfig's dotted path, not a package
            continue
        if spec is None:
            continue
        read = getattr(importlib.import_module(name), "settings", None)
        if not inspect.isfunction(read):
            continue
        for key, value in read(environment).items():
            if key in taken or key in owner:
                raise ConfigError(
                    key,
                    f"is declared by {app} and by {owner.get(key, 'OpsBase')}",
                    "give the module's setting a name of its own",
                )
            owner[key] = app
            found[key] = value
    return found


def _admin_url() -> str:
    path = get_str("OPSBASE_ADMIN_URL", defaults.OPSBASE_ADMIN_URL).strip().lstrip("/")
    if not path.endswith("/"):
        path += "/"
    if path == "/" or not all(c.isalnum() or c in "-_/." for c in path):
        raise ConfigError(
            "OPSBASE_ADMIN_URL",
            f"is {path!r}",
            "use a path like manage-x7k2q9/ (letters, digits, - _)",
        )
    return path


def _secret_key(environment: str) -> str:
    if environment in ("prod", "staging"):
        key = get_str("SECRET_KEY", required=True)
        if len(key) < 50 or len(set(key)) < 5:
            raise ConfigError(
                "SECRET_KEY",
                "is too short or too simple",
                "use 50+ random characters, e.g. from `python -c 'import secrets; "
                "print(secrets.token_urlsafe(50))'`",
            )
        return key
    # Development and tests: a fixed, clearly marked key is fine and keeps sessions stable.
    return get_str("SECRET_KEY", "insecure-dev-key-only-for-local-use-never-in-production")


def database_config(base_dir: Path, *, required: bool = False) -> dict[str, Any]:
    """``DATABASE_URL`` as a Django database dict; SQLite in the project when unset."""
    import dj_database_url

    url = get_url("DATABASE_URL", schemes=DATABASE_SCHEMES, required=required)
    if url is None:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": base_dir / "db.sqlite3",
            "OPTIONS": sqlite_options(),
        }
    if url.startswith("mariadb://"):
        url = "mysql://" + url.removeprefix("mariadb://")
    try:
        config = dj_database_url.parse(url, conn_max_age=get_int("DATABASE_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ConfigError("DATABASE_URL", f"cannot be parsed: {exc}") from None
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, with each join's type comparison worked out once (core.db).
        config["ENGINE"] = "opsbase.core.db.postgresql"
        config.setdefault("OPTIONS", {}).update(postgresql_options())
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(sqlite_options())
    if config["ENGINE"] == "django.db.backends.mysql":
        config.setdefault("OPTIONS", {}).update(
            {"charset": "utf8mb4", "init_command": "SET sql_mode='STRICT_TRANS_TABLES'"}
        )
        config["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
    return cast("dict[str, Any]", config)  # dj_database_url's TypedDict is a plain dict


def postgresql_options() -> dict[str, Any]:
    """PostgreSQL's connection options: values bound on the server, so that psycopg prepares a
    statement it ran five times on the connection and PostgreSQL plans it once instead of on
    every request (``DATABASE_PREPARED_STATEMENTS``, on by default). Switch it off behind a
    transaction-pooling pgbouncer older than 1.21, which cannot keep prepared statements."""
    prepared = get_bool("DATABASE_PREPARED_STATEMENTS", default=True)
    return {"server_side_binding": prepared, "prepare_threshold": 5 if prepared else None}


def sqlite_options() -> dict[str, Any]:
    """SQLite's connection options: wait up to 20 s for a lock, and (Django 5.1+) begin every
    transaction as the writer it will be. A deferred transaction that read first is refused
    at once ("database is locked") when it then writes while another one does; an immediate
    one queues for the lock instead (``opsbase.core.writes`` retries what is still refused)."""
    import django

    options: dict[str, Any] = {"timeout": 20}
    if django.VERSION >= (5, 1):
        options["transaction_mode"] = "IMMEDIATE"
    return options


STORAGE_KINDS = ("local", "s3")


def storage_config(*, deployed: bool = False) -> dict[str, Any]:
    """``STORAGES`` and django-storages' ``AWS_*`` settings (docs/cdn_config.md).

    Local files by default. ``AWS_STORAGE_BUCKET_NAME`` puts uploads (media) in that bucket
    of S3, Cloudflare R2 or any S3-compatible store (``AWS_S3_ENDPOINT_URL``), private and
    served through signed URLs; ``OPSBASE_STATIC_STORAGE=s3`` makes ``collectstatic`` write
    there too. ``OPSBASE_CDN_URL`` serves the collected static files from a CDN in front of
    the bucket, where ``manage.py sync_cdn`` puts them."""
    bucket = get_str("AWS_STORAGE_BUCKET_NAME")
    media = _storage_kind("OPSBASE_MEDIA_STORAGE", "s3" if bucket else "local")
    static = _storage_kind("OPSBASE_STATIC_STORAGE", "local")
    if not bucket and "s3" in (media, static):
        variable = "OPSBASE_MEDIA_STORAGE" if media == "s3" else "OPSBASE_STATIC_STORAGE"
        raise ConfigError(
            variable, "is s3 but no bucket is named", "set AWS_STORAGE_BUCKET_NAME=..."
        )
    cdn_url = get_url("OPSBASE_CDN_URL", schemes=("https", "http"))
    prefix = get_str("OPSBASE_CDN_STATIC_PREFIX", "static").strip("/")
    media_prefix = get_str("OPSBASE_CDN_MEDIA_PREFIX", "media").strip("/")
    config: dict[str, Any] = {
        "OPSBASE_CDN_URL": cdn_url.rstrip("/") if cdn_url else None,
        "OPSBASE_CDN_STATIC_PREFIX": prefix,
        "OPSBASE_CDN_MEDIA_PREFIX": media_prefix,
    }
    local_static = {
        # Deployed: hashed names (cached for a year by whitenoise) and gzip (and brotli, when
        # the Brotli package is installed) variants written by collectstatic.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if deployed
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
        # Public files that nginx's workers read: world-readable, unlike uploads (0640).
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    }
    storages: dict[str, Any] = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": local_static,
    }
    if bucket:
        config.update(
            AWS_STORAGE_BUCKET_NAME=bucket,
            # R2: https://<account id>.r2.cloudflarestorage.com; MinIO, moto: their URL.
            AWS_S3_ENDPOINT_URL=get_url("AWS_S3_ENDPOINT_URL", schemes=("https", "http")),
            # R2 answers to "auto"; None lets boto3 find it (AWS_DEFAULT_REGION, config).
            AWS_S3_REGION_NAME=get_str("AWS_S3_REGION_NAME"),
            # Path-style addressing for stores without per-bucket host names (MinIO, moto).
            AWS_S3_ADDRESSING_STYLE=get_str("AWS_S3_ADDRESSING_STYLE"),
            # Buckets with ACLs disabled (AWS's default since 2023, R2) refuse any ACL.
            AWS_DEFAULT_ACL=None,
            AWS_S3_FILE_OVERWRITE=False,
            AWS_S3_SIGNATURE_VERSION="s3v4",
            # Credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment, or the
            # machine's role; boto3 reads them itself, so no secret sits in the settings.
        )
    if media == "s3":
        storages["default"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            # Uploads are the tenants' documents: private, each link signed for an hour.
            "OPTIONS": {
                "location": media_prefix,
                "querystring_auth": True,
                "querystring_expire": get_int("OPSBASE_MEDIA_URL_EXPIRE", 3600),
            },
        }
    if static == "s3":
        options: dict[str, Any] = {
            "location": prefix,
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        }
        if cdn_url:
            options["custom_domain"] = urlparse(cdn_url).netloc
            options["url_protocol"] = f"{urlparse(cdn_url).scheme}:"
        storages["staticfiles"] = {
            "BACKEND": "storages.backends.s3.S3ManifestStaticStorage",
            "OPTIONS": options,
        }
    elif cdn_url:
        # Collected here (hashed names, the manifest), uploaded by `manage.py sync_cdn`,
        # served by the CDN.
        config["STATIC_URL"] = f"{cdn_url.rstrip('/')}/{prefix}/"
    config["STORAGES"] = storages
    return config


def _storage_kind(variable: str, default: str) -> str:
    kind = get_str(variable, default).lower()
    if kind not in STORAGE_KINDS:
        raise ConfigError(variable, f"is {kind!r}", f"use one of {', '.join(STORAGE_KINDS)}")
    return kind


def cache_config() -> dict[str, Any]:
    url = get_url("REDIS_URL", schemes=("redis", "rediss", "unix"))
    if url is None:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "opsbase"}
    return {
        # Django's Redis cache, reusing one client per connection pool (about half a get).
        "BACKEND": "opsbase.core.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": get_str("CACHE_KEY_PREFIX", "opsbase"),
    }


def celery_config() -> dict[str, Any]:
    broker = get_url("CELERY_BROKER_URL", schemes=("redis", "rediss", "amqp", "amqps", "memory"))
    config: dict[str, Any] = {
        "CELERY_TASK_SERIALIZER": "json",
        "CELERY_ACCEPT_CONTENT": ["json"],
        "CELERY_TASK_ACKS_LATE": True,
        "CELERY_WORKER_PREFETCH_MULTIPLIER": 1,
        "CELERY_TASK_TIME_LIMIT": 300,
    }
    if broker is None:
        # No broker: run tasks in-process, immediately, so nothing is lost or left waiting.
        config.update(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)
        return config
    config["CELERY_BROKER_URL"] = broker
    config["CELERY_RESULT_BACKEND"] = get_str("CELERY_RESULT_BACKEND")
    prefix = get_str("CELERY_BROKER_KEY_PREFIX")
    if prefix and broker.startswith(("redis", "rediss")):
        # Several projects may share one Redis: each queue, binding and unacked-task key then
        # carries the project's prefix, so no worker takes another project's tasks.
        config["CELERY_BROKER_TRANSPORT_OPTIONS"] = {"global_keyprefix": prefix}
    return config


def audit_config(log_dir: Path) -> dict[str, Any]:
    """The audit checkpoints' key, file and schedule (docs/audit.md)."""
    minutes = get_int("OPSBASE_AUDIT_CHECKPOINT_MINUTES", defaults.OPSBASE_AUDIT_CHECKPOINT_MINUTES)
    if minutes < 1:
        raise ConfigError(
            "OPSBASE_AUDIT_CHECKPOINT_MINUTES",
            f"is {minutes}",
            "use a number of minutes, 1 or more",
        )
    return {
        "OPSBASE_AUDIT_KEY": get_str("OPSBASE_AUDIT_KEY", defaults.OPSBASE_AUDIT_KEY),
        "OPSBASE_AUDIT_KEY_FALLBACKS": get_list("OPSBASE_AUDIT_KEY_FALLBACKS"),
        "OPSBASE_AUDIT_CHECKPOINT_FILE": Path(
            get_str("OPSBASE_AUDIT_CHECKPOINT_FILE", str(log_dir / "audit-checkpoints.jsonl"))
        ),
        "OPSBASE_AUDIT_CHECKPOINT_MINUTES": minutes,
        # Read by `celery beat` (one per installation, see docs/deployment.md).
        "CELERY_BEAT_SCHEDULE": {
            "opsbase-audit-checkpoint": {
                "task": "opsbase.audit.checkpoint",
                "schedule": minutes * 60.0,
            },
        },
    }


EMAIL_SCHEMES = (
    "smtp",
    "smtp+tls",
    "smtps",
    "smtp+ssl",
    "console",
    "memory",
    "dummy",
    "anymail",
)
# django-environ's names for the backends that deliver nothing.
_EMAIL_ALIASES = {"console": "consolemail", "memory": "memorymail", "dummy": "dummymail"}
_EMAIL_PORTS = {"smtp": 25, "smtp+tls": 587, "smtps": 587, "smtp+ssl": 465}


def email_config(*, required: bool = False) -> dict[str, Any]:
    """E-mail from one ``EMAIL_URL``: ``smtp://host:25``, ``smtp+tls://user:pw@host:587``
    (STARTTLS), ``smtp+ssl://...:465``, ``console://`` (the default: printed, not sent)."""
    import environ

    if get_str("EMAIL_HOST") and not get_str("EMAIL_URL"):
        raise ConfigError(
            "EMAIL_HOST",
            "is no longer read",
            "configure e-mail with one EMAIL_URL, e.g. "
            "EMAIL_URL=smtp+tls://USER:PASSWORD@smtp.example.com:587",
        )
    url = get_str("EMAIL_URL", "console://", required=required)
    scheme = urlparse(url).scheme
    # A provider's webhook secret (bounces, complaints) and credentials: every ANYMAIL_*
    # variable, e.g. ANYMAIL_POSTMARK_SERVER_TOKEN, ANYMAIL_WEBHOOK_SECRET=user:password.
    anymail = {
        name.removeprefix("ANYMAIL_"): value
        for name, value in os.environ.items()
        if name.startswith("ANYMAIL_") and value
    }
    if scheme == "anymail":
        # EMAIL_URL=anymail://postmark: a provider's API through django-anymail.
        provider = urlparse(url).hostname or ""
        if not provider.replace("_", "").isalnum():
            raise ConfigError(
                "EMAIL_URL", "names no provider", "e.g. anymail://postmark or anymail://mailgun"
            )
        return {
            "DEFAULT_FROM_EMAIL": get_str("DEFAULT_FROM_EMAIL", "OpsBase <noreply@localhost>"),
            "SERVER_EMAIL": get_str("SERVER_EMAIL", "opsbase@localhost"),
            "EMAIL_BACKEND": f"anymail.backends.{provider}.EmailBackend",
            "ANYMAIL": anymail,
        }
    if scheme not in EMAIL_SCHEMES:
        raise ConfigError(
            "EMAIL_URL",
            f"has scheme {scheme or '(none)'!r}",
            f"expected one of {', '.join(EMAIL_SCHEMES)}, e.g. smtp+tls://user:pw@host:587",
        )
    parsed = environ.Env.email_url_config(
        url.replace(f"{scheme}://", f"{_EMAIL_ALIASES[scheme]}://", 1)
        if scheme in _EMAIL_ALIASES
        else url
    )
    config: dict[str, Any] = {
        "DEFAULT_FROM_EMAIL": get_str("DEFAULT_FROM_EMAIL", "OpsBase <noreply@localhost>"),
        "SERVER_EMAIL": get_str("SERVER_EMAIL", "opsbase@localhost"),
        "EMAIL_BACKEND": parsed["EMAIL_BACKEND"],
        "ANYMAIL": anymail,
    }
    if scheme not in _EMAIL_PORTS:
        return config
    if not parsed.get("EMAIL_HOST"):
        raise ConfigError("EMAIL_URL", "names no host", "e.g. smtp+tls://user:pw@host:587")
    config.update(
        EMAIL_HOST=parsed["EMAIL_HOST"],
        EMAIL_PORT=parsed.get("EMAIL_PORT") or _EMAIL_PORTS[scheme],
        EMAIL_HOST_USER=parsed.get("EMAIL_HOST_USER") or "",
        EMAIL_HOST_PASSWORD=parsed.get("EMAIL_HOST_PASSWORD") or "",
        EMAIL_USE_TLS=bool(parsed.get("EMAIL_USE_TLS")),
        EMAIL_USE_SSL=bool(parsed.get("EMAIL_USE_SSL")),
        EMAIL_TIMEOUT=get_int("EMAIL_TIMEOUT", 10),
    )
    return config


def rest_framework_config(environment: str, *, trusted_proxies: int = 0) -> dict[str, Any]:
    return {
        # OpsBase's throttles ask client_ip(); a project's own DRF throttles count alike.
        "NUM_PROXIES": trusted_proxies,
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "opsbase.api.authentication.ApiTokenAuthentication",
            "opsbase.api.authentication.SessionMembershipAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": ["opsbase.api.permissions.HasActiveMembership"],
        "DEFAULT_PARSER_CLASSES": [
            "opsbase.api.parsers.JSONParser",
            "rest_framework.parsers.FormParser",
            "rest_framework.parsers.MultiPartParser",
        ],
        "DEFAULT_RENDERER_CLASSES": [
            "opsbase.api.renderers.JSONRenderer",
            "rest_framework.renderers.BrowsableAPIRenderer",
        ],
        "DEFAULT_PAGINATION_CLASS": "opsbase.api.pagination.PageNumberPagination",
        "PAGE_SIZE": 25,
        "DEFAULT_FILTER_BACKENDS": [
            "django_filters.rest_framework.DjangoFilterBackend",
            "rest_framework.filters.SearchFilter",
            "rest_framework.filters.OrderingFilter",
        ],
        "DEFAULT_SCHEMA_CLASS": "opsbase.api.schema.AutoSchema",
        "EXCEPTION_HANDLER": "opsbase.api.errors.exception_handler",
        "DEFAULT_THROTTLE_CLASSES": [
            "opsbase.api.throttling.AnonRateThrottle",
            "opsbase.api.throttling.UserRateThrottle",
        ],
        "DEFAULT_THROTTLE_RATES": {
            "anon": get_str("OPSBASE_API_ANON_RATE", "60/minute"),
            "user": get_str("OPSBASE_API_USER_RATE", "1200/minute"),
            "auth_token": get_str("OPSBASE_API_LOGIN_RATE", "10/minute"),
        },
        "TEST_REQUEST_DEFAULT_FORMAT": "json",
    }


def _deployed_security() -> dict[str, Any]:
    return {
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_SSL_REDIRECT": get_bool("SECURE_SSL_REDIRECT", True),
        # Load balancers and monitors probe health over plain HTTP on the private side.
        "SECURE_REDIRECT_EXEMPT": [r"^health/"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        # __Host- cookies are refused by browsers unless Secure, host-only and Path=/: a
        # sibling subdomain or a plain-HTTP page cannot plant or overwrite them.
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        # Start HSTS low (an hour) and raise it once HTTPS is known to work everywhere.
        "SECURE_HSTS_SECONDS": get_int("SECURE_HSTS_SECONDS", 3600),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True),
        "SECURE_HSTS_PRELOAD": get_bool("SECURE_HSTS_PRELOAD", False),
        # Preloading is a commitment a person makes (hstspreload.org), not a default.
        "SILENCED_SYSTEM_CHECKS": []
        if get_bool("SECURE_HSTS_PRELOAD", False)
        else ["security.W021"],
    }


def password_validators() -> list[dict[str, Any]]:
    """``AUTH_PASSWORD_VALIDATORS``: also what `opsbase new` checks the superuser's password
    against before it creates anything."""
    return [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": get_int("OPSBASE_PASSWORD_MIN_LENGTH", 10)},
        },
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    ]


def logging_config(log_dir: Path, *, level: str = "INFO", sql: bool = False) -> dict[str, Any]:
    """JSON lines to stdout and to rotating ``app.log``, ``errors.log`` and ``db.log``, each
    readable by its owner and group only (0640).

    *sql* sends every SQL statement with its parameters to ``db.log`` (development; Django
    logs them only with DEBUG on); without it ``django.db.backends`` logs warnings only, so
    not even a migration's schema statements with their parameters are written. Slow queries
    (``opsbase.db``) are logged either way, without their parameters."""
    log_dir.mkdir(parents=True, exist_ok=True)

    def rotating(name: str, level: str) -> dict[str, Any]:
        # Several processes (gunicorn workers, Celery) write the same files: the standard
        # RotatingFileHandler would let one rename the file under the others and lose lines.
        return {
            "class": "concurrent_log_handler.ConcurrentRotatingFileHandler",
            "filename": str(log_dir / name),
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 5,
            "encoding": "utf-8",
            "formatter": "json",
            "filters": ["request_id"],
            "level": level,
            "delay": True,
            # Logs hold addresses, e-mails and (in development) SQL: not for other users.
            "chmod": 0o640,
        }

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "opsbase.core.logging.RequestIdFilter"}},
        "formatters": {"json": {"()": "opsbase.core.logging.JsonLinesFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
            },
            "app_file": rotating("app.log", "INFO"),
            "error_file": rotating("errors.log", "ERROR"),
            "db_file": rotating("db.log", "DEBUG"),
        },
        "root": {"handlers": ["console", "app_file", "error_file"], "level": level},
        "loggers": {
            "django.db.backends": {
                "handlers": ["db_file"],
                "level": "DEBUG" if sql else "WARNING",
                "propagate": False,
            },
            # Queries slower than OPSBASE_SLOW_QUERY_MS, whatever DEBUG says.
            "opsbase.db": {"handlers": ["db_file", "console"], "level": "INFO", "propagate": False},
            "django.security": {"level": "INFO"},
        },
    }


def _init_sentry(environment: str) -> None:
    dsn = get_url("SENTRY_DSN", schemes=("https", "http"))
    if dsn is None:
        return
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=get_str("SENTRY_RELEASE", f"opsbase@{_version()}"),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=float(get_str("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
        **_sentry_privacy(sentry_sdk.VERSION),
    )


def _sentry_privacy(sdk_version: str) -> dict[str, Any]:
    """What Sentry may collect about people: nothing that names them, on either major SDK.

    2.x sends no user, cookie or client address unless ``send_default_pii``. 3.x replaced that
    switch with ``data_collection``, whose defaults send the signed-in user, cookies and request
    bodies (customers' names and addresses in our forms): turned off here.
    """
    if int(sdk_version.split(".", 1)[0]) < 3:
        return {"send_default_pii": False}
    return {
        "data_collection": {
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_bodies": [],
        }
    }


def _version() -> str:
    from opsbase import __version__

    return __version__
