"""Reads of customers: the row specification every list, API answer and CSV uses."""

from django.utils.translation import gettext_lazy as _

from opsbase.kit.rows import DateTime, LongText, Number, RowSpec, Text

from .models import Customer

CUSTOMER_ROWS = RowSpec(
    Customer,
    columns=[
        Number("id", table=False, detail=False),
        Text("name", link=True, detail=False),
        Text("contact"),
        Text("email"),
        Text("phone"),
        LongText("address"),
        Text("tax_id", table=False),
        Text("currency", table_label=_("Currency")),
        DateTime("created_at", table=False),
        DateTime("updated_at", table=False, csv=False, detail=False),
    ],
    sorts={"name": "name", "created_at": "created_at"},
    default_sort="name",
)
