"""The test project: the library's settings in the ``test`` environment.

``DATABASE_URL`` picks the engine (SQLite when unset), as in production.
"""

from pathlib import Path

from opsbase.conf import build_settings

globals().update(
    build_settings(
        Path(__file__).resolve().parent,
        "test",
        extra_apps=["tests.testapp", "opsbase.modules.tasks"],
    )
)
ROOT_URLCONF = "tests.urls"
