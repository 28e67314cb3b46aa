"""Customer pages: the kit's list, detail, form and delete pages over CUSTOMERS."""

from django.utils.translation import gettext_lazy as _

from opsbase.kit.views import ListPage, Pages

from .constants import VIEW
from .entity import CUSTOMERS
from .forms import CustomerForm


class CustomerPages(Pages):
    entity = CUSTOMERS
    form_class = CustomerForm
    lists = (
        ListPage(
            "customer_list",
            "",
            codename=VIEW,
            heading=_("Customers"),
            empty_title=_("No customers yet."),
            empty_text=_("Companies you invoice or work for, with their contacts."),
            icon="building",
            sort_choices=(("name", _("Name A–Z")), ("-created_at", _("Newest first"))),
        ),
    )
    import_fields = ("name", "contact", "email", "phone", "address", "tax_id", "currency")
