"""Likely duplicates: the same e-mail (any case), the same phone number (E.164, with the
``phonenumbers`` package), or a name much alike at the same company.

``duplicate_index(records)`` reads the candidates once and answers ``find(obj) -> pk | None``
(an import checks thousands of rows with it); ``duplicate_find(obj, records)`` reads only the
rows sharing a value with *obj*. The newest match wins.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

import phonenumbers
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

__all__ = ["ContactBase", "contact_indexes", "duplicate_find", "duplicate_index", "phone_e164"]

#: How alike two names at one company must be (``difflib`` ratio).
NAME_RATIO = 0.85


class ContactBase(models.Model):
    """The fields of a person at a company that duplicates are found by: name, company,
    e-mail, phone and the phone as E.164 (``phone_e164``, kept by the module's services)."""

    name = models.CharField(gettext_lazy("name"), max_length=150)
    company = models.CharField(gettext_lazy("company"), max_length=150, blank=True)
    email = models.EmailField(gettext_lazy("e-mail"), blank=True)
    phone = models.CharField(gettext_lazy("phone"), max_length=40, blank=True)
    phone_e164 = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        abstract = True


def contact_indexes() -> list[models.Index]:
    """The indexes the duplicate look-ups of a ``ContactBase`` record need, for its concrete
    ``Meta.indexes``: its e-mail and its E.164 phone, each after the tenant
    (``<model>_tenant_email``, ``<model>_tenant_phone``)."""
    return [
        models.Index(fields=["tenant", "email"], name="%(class)s_tenant_email"),
        models.Index(fields=["tenant", "phone_e164"], name="%(class)s_tenant_phone"),
    ]


def phone_e164(phone: str, region: str = "US") -> str:
    """*phone* as E.164 (``+14155551000``); a number without ``+`` is read in *region*;
    empty when it is not a number."""
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, None if phone.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def duplicate_index(records: QuerySet[Any]) -> Callable[[Any], int | None]:
    """``find(obj)`` over *records* (fields ``name``, ``email``, ``phone_e164``,
    ``company``), read once: the pk of the newest likely duplicate of *obj*, or None."""
    by_email: dict[str, int] = {}
    by_phone: dict[str, int] = {}
    by_company: dict[str, list[tuple[str, int]]] = {}
    rows = records.order_by("pk").values_list("pk", "name", "email", "phone_e164", "company")
    for pk, name, email, phone, company in rows:
        if email:
            by_email[email.casefold()] = pk
        if phone:
            by_phone[phone] = pk
        if company:
            by_company.setdefault(company.casefold(), []).append((name.casefold(), pk))

    def find(obj: Any) -> int | None:
        found = by_email.get(obj.email.casefold()) if obj.email else None
        found = found or (by_phone.get(obj.phone_e164) if obj.phone_e164 else None)
        if found or not obj.company:
            return found
        wanted = obj.name.casefold()
        for name, pk in by_company.get(obj.company.casefold(), [])[-20:]:
            if difflib.SequenceMatcher(None, wanted, name).ratio() >= NAME_RATIO:
                return pk
        return None

    return find


def duplicate_find(obj: Any, records: QuerySet[Any]) -> Any:
    """The newest of *records* likely the same as *obj* (reading only those sharing its
    e-mail, phone or company), or None."""
    same = Q(pk__in=[])
    for lookup, value in (
        ("email__iexact", obj.email),
        ("phone_e164", obj.phone_e164),
        ("company__iexact", obj.company),
    ):
        if value:
            same |= Q(**{lookup: value})
    pk = duplicate_index(records.filter(same))(obj)
    return None if pk is None else records.get(pk=pk)
