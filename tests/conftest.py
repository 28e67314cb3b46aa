import uuid

import pytest
from django.core.cache import cache

from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.matrix import build_world

# The suite runs in parallel (pytest-xdist, `--dist loadgroup`, see the Makefile). Each test
# file stays on one worker, so a module-scoped server starts once. Tests that share something
# beyond their own test database (the machine's nginx, system users, PostgreSQL roles, fixed
# Redis databases, a Celery broker) are in one group and run one after another: every test
# under these folders, and every test marked `serial`.
SERIAL_FOLDERS = ("tests/cli/", "tests/serve/", "tests/template/", "tests/bench/")


def pytest_configure(config):
    # xdist 3.8 files a test under its group by appending "@group" to the test's id; pytest
    # 9.2 no longer lets it, so each group would be spread over the workers and serial tests
    # would run side by side. Refuse, with the fix, rather than fail at random.
    if getattr(config.option, "dist", "no") == "loadgroup" and pytest.version_tuple >= (9, 2):
        raise pytest.UsageError(
            "pytest-xdist's --dist loadgroup has no effect with pytest 9.2: install the "
            "versions pyproject.toml pins (make install), or run in one process (TEST_JOBS=0)"
        )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Before xdist's own implementation, which reads the groups (none without xdist:
    # `-p no:xdist` runs everything in one process anyway).
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.nodeid.startswith(SERIAL_FOLDERS) or item.get_closest_marker("serial"):
            group = "serial"
        else:
            group = item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def _audit_checkpoint_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("audit-checkpoints")


@pytest.fixture(autouse=True)
def _own_audit_checkpoint_file(settings, _audit_checkpoint_dir):
    """Each test its own checkpoint file: the database is rolled back between tests, a file
    is not, and a checkpoint of a rolled-back chain would read as truncation."""
    settings.OPSBASE_AUDIT_CHECKPOINT_FILE = _audit_checkpoint_dir / f"{uuid.uuid4().hex}.jsonl"


@pytest.fixture
def world(db):
    """Acme and Globex, each with an Admin, a Manager and a User (plus a spare User in Acme)."""
    return build_world()


@pytest.fixture
def admin(world):
    """Acme's Admin."""
    return world.members[RoleKind.ADMIN]


@pytest.fixture
def manager(world):
    """Acme's Manager."""
    return world.members[RoleKind.MANAGER]


@pytest.fixture
def user(world):
    """Acme's User (its spare User is ``world.spare``)."""
    return world.members[RoleKind.USER]


@pytest.fixture
def people(world):
    """Acme's members by name: ``user``, ``spare`` (a second User), ``manager``, ``admin``."""
    return {
        "user": world.members[RoleKind.USER],
        "spare": world.spare,
        "manager": world.members[RoleKind.MANAGER],
        "admin": world.members[RoleKind.ADMIN],
    }


@pytest.fixture
def list_cache(settings):
    """The list caches on (tests run with them off), over an emptied cache."""
    from django.core.cache import cache

    settings.OPSBASE_LIST_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def auth_cache(settings):
    """The token, session-user and membership caches on (the test settings turn them off),
    starting and ending empty."""
    settings.OPSBASE_AUTH_CACHE_TIMEOUT = 60
    cache.clear()
    yield
    cache.clear()


class CacheReads:
    """Records the cache's read calls (each is one round trip to a networked cache)."""

    def __init__(self, monkeypatch, *, prefix: str = ""):
        self.calls: list[tuple[str, list[str]]] = []
        self._depth = 0
        for name in ("get", "get_many"):
            original = getattr(cache, name)

            def spy(keys, *args, _name=name, _original=original, **kwargs):
                names = list(keys) if _name == "get_many" else [keys]
                # A backend without a native get_many (locmem) calls get() per key inside it.
                if self._depth == 0 and any(key.startswith(prefix) for key in names):
                    self.calls.append((_name, names))
                self._depth += 1
                try:
                    return _original(keys, *args, **kwargs)
                finally:
                    self._depth -= 1

            monkeypatch.setattr(cache, name, spy)


@pytest.fixture
def cache_reads(monkeypatch):
    """``cache_reads(prefix="")`` starts recording the default cache's reads from then on."""
    return lambda prefix="": CacheReads(monkeypatch, prefix=prefix)


@pytest.fixture
def compilations(monkeypatch):
    """``compilations()`` starts recording the queries Django compiles (the model of each)
    from then on, into the list it returns."""

    def start() -> list[str]:
        from django.db.models.sql.compiler import SQLCompiler

        recorded: list[str] = []
        real = SQLCompiler.as_sql

        def as_sql(self, *args, **kwargs):
            recorded.append(self.query.model.__name__)
            return real(self, *args, **kwargs)

        monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
        return recorded

    return start
