"""Every page and API action of the tasks module, generated from its declaration: each role ×
own / other / foreign task (and another member's task assigned to the actor) answers as the
policy decides, and every page passes the HTML checker."""

import pytest

from opsbase.modules.tasks.api import TaskViewSet
from opsbase.modules.tasks.services import task_update
from opsbase.modules.tasks.views import TaskPages
from opsbase.testing.matrix import module_cases

CASES = module_cases(
    pages=TaskPages,
    viewset=TaskViewSet,
    form_data={"title": "Renamed task", "priority": "high"},
    api_data={"title": "Replaced task", "priority": "low"},
)


def test_the_generator_walks_every_page_and_action():
    names = {str(case) for case in CASES}

    assert names == {
        "page task_list",
        "page task_all",
        "page create",
        "page import",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
        "page transition start",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
        "api transition start",
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_page_and_action_answers_as_the_policy_decides(world, make_task, case):
    def assigned_to(task, actor):
        return task_update(membership=world.spare, task=task, assignee=actor, notify=False)

    case.check(
        world,
        make=lambda owner: make_task(owner, title=f"Task of {owner.user.email}"),
        involve=assigned_to,
    )
