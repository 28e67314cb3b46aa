import pytest

from opsbase.testing.matrix import build_world


@pytest.fixture
def world(db):
    """Acme and Globex, each with an Admin, a Manager and a User (plus a spare User in Acme)."""
    return build_world()
