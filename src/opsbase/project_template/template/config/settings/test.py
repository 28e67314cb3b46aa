"""Tests (pytest uses this module): fast password hashing, e-mail kept in memory, and the
database .env.test names used as it is: with PostgreSQL, <name>_test, so the tests see
row-level security as production does."""

from .base import load

settings = load("test")
default = settings["DATABASES"]["default"]
if default["ENGINE"] != "django.db.backends.sqlite3":
    # Django would create test_<NAME>, which the app's role (NOCREATEDB) may not: the test
    # database already exists, and the tests keep it between runs (tests/conftest.py).
    default.setdefault("TEST", {})["NAME"] = default["NAME"]
globals().update(settings)
