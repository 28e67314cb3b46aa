"""The test project: the library's settings in the ``test`` environment.

``DATABASE_URL`` picks the engine (SQLite when unset), as in production.
"""

from pathlib import Path

from opsbase.conf import build_settings
from opsbase.provision.inputs import available_modules

globals().update(
    build_settings(
        Path(__file__).resolve().parent,
        "test",
        extra_apps=[
            "tests.testapp",
            # Every module OpsBase ships, as `opsbase demo` installs them: a new module is
            # tested without editing this file.
            *(f"opsbase.modules.{name}" for name in available_modules()),
        ],
    )
)
ROOT_URLCONF = "tests.urls"
# The suite is one process, so its local-memory cache is shared by every request it makes:
# the cache keeps the versions, as Redis does in production. Tests of the per-process mode
# (versions in the database) turn this off; tests/core/test_cache_workers.py runs it for real.
OPSBASE_CACHE_SHARED = True
