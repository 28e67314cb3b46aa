"""An entity: one kind of record as a module offers it, declared once for its pages and API.

::

    TASKS = Entity(
        model=Task,
        rows=TASK_ROWS,
        codenames=Codenames(view=VIEW, add=ADD, change=CHANGE, delete=DELETE),
        related=("owner", "assignee__user"),
        filterset=TaskFilter,
        create=task_create, update=task_update, delete=task_delete, transition=task_transition,
    )

Services are the module's own (``<entity>_create(*, membership, **data)``,
``<entity>_update(*, membership, <entity>, **changes)``, ``<entity>_delete(*, membership,
<entity>)``, ``<entity>_transition(*, membership, <entity>, transition)``): the pages and the
API call them and nothing else writes. An entity with no rule of its own beyond the model's
validation (reference data: locations, reasons, rigs) leaves them out: the kit's
``record_create``/``record_update``/``record_delete`` then run under the entity's codenames,
locked, validated and audited the same way. Reads default to the kit's selectors (the records the
member's role may see under ``codenames.view``, with ``related`` joined); a module gives its
own ``list``/``get`` when it needs more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from .rows import RowSpec
from .selectors import record_get_for, record_list


@dataclass(frozen=True)
class Codenames:
    """The policy codenames of an entity's actions (None: the action is not offered)."""

    view: str
    add: str | None = None
    change: str | None = None
    delete: str | None = None


@dataclass(frozen=True)
class Entity:
    model: type[models.Model]
    rows: RowSpec
    codenames: Codenames
    related: tuple[str, ...] = ()
    filterset: type | None = None
    list: Callable[..., QuerySet[Any]] | None = None
    get: Callable[..., Any] | None = None
    create: Callable[..., Any] | None = None
    update: Callable[..., Any] | None = None
    delete: Callable[..., Any] | None = None
    transition: Callable[..., Any] | None = None
    #: ``<entity>_create_many(*, membership, rows)``: many records at once (a CSV import),
    #: raising ``kit.services.RowsInvalid`` with the refused rows; else one create per row.
    create_many: Callable[..., Any] | None = None
    #: Keywords every service call of a request gets besides the member (``site_url``...).
    service_kwargs: Callable[[HttpRequest], dict[str, Any]] | None = None
    #: Keep a member-restricted list (a User's own records) apart from writes of records that
    #: never named the member (``opsbase.kit.caching``). Only for rows that show nothing of
    #: the entity's other records: a column reading another task would go stale.
    per_member_cache: bool = False

    def __post_init__(self) -> None:
        # The kit's plain services for an action the entity offers without its own rule.
        from . import services

        codenames = self.codenames
        if self.create is None and codenames.add:
            object.__setattr__(self, "create", services.plain_create(self.model, codenames.add))
        if self.update is None and codenames.change:
            object.__setattr__(self, "update", services.plain_update(self.name, codenames.change))
        if self.delete is None and codenames.delete:
            object.__setattr__(self, "delete", services.plain_delete(self.name, codenames.delete))

    @property
    def name(self) -> str:
        """The model's name: the keyword its services take the record by."""
        return self.model._meta.model_name or ""

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def state_field(self) -> str | None:
        """The name of the model's workflow state field, if it has one."""
        from opsbase.kernel.workflows import state_field_of

        try:
            return state_field_of(self.model).name
        except LookupError:
            return None

    # -- reads -----------------------------------------------------------------------------
    def records(self, membership: Any) -> QuerySet[Any]:
        if self.list is not None:
            return self.list(membership=membership)
        records = record_list(
            self.model, membership=membership, codename=self.codenames.view, related=self.related
        )
        return self.rows.order(records, [self.rows.default_sort])

    def record(self, membership: Any, pk: Any) -> Any:
        if self.get is not None:
            return self.get(membership=membership, pk=pk)
        return record_get_for(
            self.model,
            membership=membership,
            pk=pk,
            codename=self.codenames.view,
            related=self.related,
        )

    # -- writes (the module's services) ----------------------------------------------------
    def _extra(self, request: HttpRequest | None) -> dict[str, Any]:
        if request is None or self.service_kwargs is None:
            return {}
        return self.service_kwargs(request)

    def do_create(self, request: HttpRequest, membership: Any, data: dict[str, Any]) -> Any:
        assert self.create is not None, f"{self.name} has no create service"  # noqa: S101
        return self.create(membership=membership, **self._extra(request), **data)

    def do_update(self, request: HttpRequest, membership: Any, obj: Any, data: dict) -> Any:
        assert self.update is not None, f"{self.name} has no update service"  # noqa: S101
        return self.update(
            membership=membership, **{self.name: obj}, **self._extra(request), **data
        )

    def do_delete(self, request: HttpRequest, membership: Any, obj: Any) -> None:
        assert self.delete is not None, f"{self.name} has no delete service"  # noqa: S101
        self.delete(membership=membership, **{self.name: obj})

    def do_transition(self, request: HttpRequest, membership: Any, obj: Any, name: str) -> Any:
        if self.transition is not None:
            return self.transition(membership=membership, **{self.name: obj}, transition=name)
        from opsbase.kernel.workflows import transition_apply

        return transition_apply(membership=membership, obj=obj, transition=name)
