"""Reference lists: the short lists of names an organization keeps for its records to pick
from (the reasons a lead is lost, ...), declared once: the model's base, then its row spec,
entity, form and pages from one ``ReferenceList``::

    class LostReason(NamedBase):
        class Meta(NamedBase.Meta): ...   # the order by name and the index inherited

    LOST_REASONS = ReferenceList(
        LostReason, codename=MANAGE, list_name="lostreason_list", heading=_("Lost reasons"),
        icon="x-octagon", empty_title=_("No lost reasons yet."), empty_text=_("..."),
    )
    # urls.py: path("lost-reasons/", include(LOST_REASONS.pages.urls()))

One codename guards every page (seeing, adding, renaming and deleting); the kit's plain
services do the writes (audited).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel

from .entity import Codenames, Entity
from .forms import RecordForm
from .rows import Number, RowSpec, Text
from .views import ListPage, Pages

__all__ = ["NamedBase", "ReferenceList"]


class NamedBase(TenantOwnedModel):
    """An entry of a reference list: a name."""

    name = models.CharField(_("name"), max_length=100)

    class Meta:
        # A concrete ``class Meta(NamedBase.Meta)`` inherits the order and the index.
        abstract = True
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["tenant", "name"], name="%(class)s_tenant_name")]

    def __str__(self) -> str:
        return self.name


class ReferenceList:
    """The row spec (``rows``), entity (``entity``), form (``form``) and pages (``pages``)
    of the reference list *model* (a ``NamedBase``)."""

    def __init__(
        self,
        model: type[NamedBase],
        *,
        codename: str,
        list_name: str,
        heading: Any,
        icon: str,
        empty_title: Any,
        empty_text: Any,
        doc: str = "",
        defaults: Sequence[Any] = (),
    ) -> None:
        self.model = model
        #: The entries a new organization starts with (``create_defaults``).
        self.defaults = tuple(defaults)
        self.rows = RowSpec(
            model,
            columns=[
                Number("id", table=False, detail=False),
                Text("name", link=True, detail=False),
            ],
            sorts={"name": "name"},
            default_sort="name",
        )
        self.entity = Entity(
            model=model,
            rows=self.rows,
            codenames=Codenames(view=codename, add=codename, change=codename, delete=codename),
        )
        max_length = model._meta.get_field("name").max_length
        self.form = type(
            f"{model.__name__}Form",
            (RecordForm,),
            {"name": forms.CharField(label=_("Name"), max_length=max_length)},
        )
        page = ListPage(
            list_name,
            "",
            codename=codename,
            heading=heading,
            icon=icon,
            empty_title=empty_title,
            empty_text=empty_text,
        )
        attrs = {"entity": self.entity, "form_class": self.form, "lists": (page,), "__doc__": doc}
        self.pages: type[Pages] = type(f"{model.__name__}Pages", (Pages,), attrs)

    def create_defaults(self, *, tenant_id: int) -> None:
        """The declared ``defaults`` of a new organization, written by the system."""
        for name in self.defaults:
            self.model(tenant_id=tenant_id, name=str(name)).save()

    def list(self, *, tenant_id: int) -> QuerySet[Any]:
        """The organization's entries, by name."""
        return self.model.objects.for_tenant(tenant_id)
