import pytest

from opsbase.modules.tasks.services import task_create


@pytest.fixture
def make_task():
    """``make_task(owner_membership, title=..., **fields)``: a task created through the service."""

    def make(owner, title="Check the pumps", **fields):
        fields.setdefault("notify", False)
        return task_create(membership=owner, title=title, **fields)

    return make
