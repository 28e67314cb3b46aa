"""Defaults of every ``OPSBASE_*`` setting; a project overrides any of them in its settings.

Read them through ``opsbase.conf.setting(name)`` at call time, never at import time.
"""

from datetime import timedelta

# Modules (Django apps) that make up the base system; `opsbase new` writes this list into a
# project's settings and the sidebar is built from the ones installed.
OPSBASE_KERNEL_APPS = [
    "opsbase.core",
    "opsbase.web",
    "opsbase.kernel.tenants",
    "opsbase.kernel.accounts",
    "opsbase.kernel.roles",
    "opsbase.kernel.audit",
    "opsbase.api",
    # The module kit: its pages' templates and the cache invalidation of tenant-owned models.
    "opsbase.kit",
    # The analytics events table (opsbase.services.analytics): what services record.
    "opsbase.services.analytics",
    # The e-mail service's suppression list and its providers' webhooks (bounces, complaints).
    "opsbase.services.email",
]

# Invitations: how long an e-mailed link stays valid.
OPSBASE_INVITATION_TTL = timedelta(days=7)

# API tokens: prefix shown to users so a leaked token is recognisable.
OPSBASE_API_TOKEN_PREFIX = "opb_"  # noqa: S105 - a public prefix, not a secret

# Field names whose values never reach an audit event in clear text (matched
# case-insensitively as substrings); apps add their own through the audit registry.
OPSBASE_AUDIT_MASKED_FIELDS = ["password", "secret", "token", "api_key", "private_key"]

# Page sizes offered in lists.
OPSBASE_PAGE_SIZES = [10, 25, 50, 100]

# Where the Django admin lives; `opsbase new` writes a random path into each project.
OPSBASE_ADMIN_URL = "admin/"

# How many reverse proxies (nginx, a load balancer) stand in front of the app, each setting
# or appending to X-Forwarded-For. 0 (the default) trusts only REMOTE_ADDR and ignores the
# header; a project served behind the nginx that ``opsbase new`` configures sets 1 (in
# .env.prod). Read by ``opsbase.core.middleware.client_ip``: the lockout, the throttles, the
# audit and the logs all see that one address.
OPSBASE_TRUSTED_PROXIES = 0

# Failed sign-ins from one client address (to any accounts) within the lockout window that
# lock the address out, on top of the per-account-and-address limit
# (``OPSBASE_LOGIN_FAILURE_LIMIT``).
OPSBASE_LOGIN_ADDRESS_FAILURE_LIMIT = 50

# The name shown in the navbar brand and page titles.
OPSBASE_SITE_NAME = "OpsBase"

# Features a page may use (Permissions-Policy header); an empty list denies the feature.
OPSBASE_PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self"],
}

# Uploads (opsbase.core.uploads.UploadValidator): largest file and the accepted types.
OPSBASE_UPLOAD_MAX_SIZE = 10 * 1024 * 1024
OPSBASE_UPLOAD_ALLOWED_TYPES = [
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "csv",
    "txt",
    "xlsx",
    "docx",
]

# CSV imports of a module's records (the kit's import page): the largest file and the most
# rows one import takes (it is kept in the member's session between its steps).
OPSBASE_IMPORT_MAX_SIZE = 5 * 1024 * 1024
OPSBASE_IMPORT_MAX_ROWS = 10_000

# PostgreSQL row-level security on every tenant-owned table (see docs/security.md).
OPSBASE_POSTGRES_RLS = True

# Prometheus metrics at /metrics: answered only with this bearer token (or to staff users);
# unset in a deployed environment, the endpoint answers 404.
OPSBASE_METRICS_TOKEN = None

# Queries slower than this many milliseconds are logged to logs/db.log (0 turns it off).
OPSBASE_SLOW_QUERY_MS = 200

# Task lists (API and page) cached per tenant version, visibility scope and query; every write
# through the models invalidates the tenant's answers at once. The timeout bounds what a write
# that bypasses the models (a queryset ``update()``) could leave stale. Off in tests by default.
OPSBASE_LIST_CACHE = True
OPSBASE_LIST_CACHE_TIMEOUT = 300

# The WSGI and ASGI applications (opsbase.core.wsgi, opsbase.core.asgi) keep what a worker
# loaded out of the garbage collector's full passes (gc.freeze), once loaded and after the
# first request.
OPSBASE_GC_FREEZE = True

# API tokens found by a request are cached this many seconds (0: off) with what authentication
# checks; any change to a token, user, membership, role or tenant forgets them all at once.
OPSBASE_AUTH_CACHE_TIMEOUT = 60

# Whether every process reads the same default cache (None: judged from the backend: Redis,
# Memcached and the database cache are shared; local memory is one per process). With a
# per-process cache the versions that invalidate cached answers live in the database instead
# (one query per request), so a write, a revoked token or a deactivated member is seen by
# every process's next request.
OPSBASE_CACHE_SHARED = None

# The audit chains' checkpoints (docs/audit.md): each chain's head, signed with this key and
# written to an append-only file and to the system chain, so that history cut off at the end
# or a chain deleted whole is detected. The key must not live in the database; `opsbase new`
# writes a random one into each .env file. Unset, dev and test derive one from SECRET_KEY;
# deployed environments have none (`check --deploy` warns, opsbase.W010). The fallbacks are
# earlier keys that still verify old checkpoints after a rotation.
OPSBASE_AUDIT_KEY = ""
OPSBASE_AUDIT_KEY_FALLBACKS: list[str] = []
# The checkpoint file; None means LOG_DIR/audit-checkpoints.jsonl.
OPSBASE_AUDIT_CHECKPOINT_FILE = None
# How often Celery beat checkpoints the chains that moved: the newest events of a chain are
# protected from truncation only once a checkpoint has covered them.
OPSBASE_AUDIT_CHECKPOINT_MINUTES = 15

# Notifications: the hour (in the server's time zone, 0-23) Celery beat sends each person's
# daily digest of the notifications they chose to receive that way.
OPSBASE_NOTIFICATION_DIGEST_HOUR = 7

# Analytics (opsbase.services.analytics): where recorded events are exported besides the
# events table, as name -> {"BACKEND": dotted path, "OPTIONS": {...}} (see docs/services.md);
# empty: the events stay in the table. The export job waits this many seconds after a commit
# so that the events of those seconds go in one batch, of at most this many events.
OPSBASE_ANALYTICS_BACKENDS: dict = {}
OPSBASE_ANALYTICS_EXPORT_DELAY = 5
OPSBASE_ANALYTICS_EXPORT_BATCH = 100

# The dashboard's date-range presets (days) and the one chosen when none is asked for.
OPSBASE_DASHBOARD_RANGES = [7, 30, 90]
OPSBASE_DASHBOARD_DEFAULT_RANGE = 30
