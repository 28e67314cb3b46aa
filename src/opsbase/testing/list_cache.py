"""Cached lists checked against the lists computed without the cache, for a module's tests
of ``Entity(per_member_cache=True)`` (``opsbase.kit.caching``)::

    lists = ListFreshness(api="/api/v1/tasks/", page="/tasks/", model=Task, prefix="task")
    lists.fresh(settings, {"user": user, "admin": admin})  # {"user", "admin"}: computed
    ...  # a write that names only the admin
    assert lists.fresh(settings, people) == {"admin"}  # the User's served from the cache

Each call reads every member's API list and HTML list page with the cache on, then again
with it off, and fails naming the member whose cached list differs; it returns the members
whose lists were computed (the model's table queried), not served from the cache.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from .api import token_client
from .matrix import session_client


class ListFreshness:
    def __init__(self, *, api: str, page: str, model: type[Model], prefix: str) -> None:
        self.api, self.page, self.table = api, page, model._meta.db_table
        self._link = re.compile(rf'data-testid="{re.escape(prefix)}-link">([^<]*)<')
        self._clients: dict[tuple[str, int], Any] = {}

    def read(self, member: Any) -> tuple[list[Any], list[str], bool]:
        """(the API's rows, the page's row links, whether the model's table was queried)."""
        api = self._clients.setdefault(("api", member.pk), token_client(member))
        page = self._clients.setdefault(("page", member.pk), session_client(member))
        with CaptureQueriesContext(connection) as queries:
            answer = api.get(self.api)
            html = page.get(self.page)
        assert answer.status_code == 200, answer.content
        assert html.status_code == 200, html.status_code
        computed = any(self.table in q["sql"] for q in queries.captured_queries)
        return answer.json()["results"], self._link.findall(html.content.decode()), computed

    def fresh(self, settings: Any, people: Mapping[str, Any]) -> set[str]:
        cached = {name: self.read(member) for name, member in people.items()}
        settings.OPSBASE_LIST_CACHE = False
        try:
            computed = {name: self.read(member) for name, member in people.items()}
        finally:
            settings.OPSBASE_LIST_CACHE = True
        for name in people:
            assert cached[name][:2] == computed[name][:2], f"{name}'s list is stale"
        return {name for name, (_rows, _links, queried) in cached.items() if queried}
