"""Rig and well pages: the kit's list, detail, form and delete pages."""

from django.utils.translation import gettext_lazy as _

from opsbase.kit.views import ListPage, Pages

from .constants import VIEW_RIG, VIEW_WELL
from .entity import RIGS, WELLS
from .forms import RigForm, WellForm


class RigPages(Pages):
    entity = RIGS
    form_class = RigForm
    lists = (
        ListPage(
            "rig_list",
            "",
            codename=VIEW_RIG,
            heading=_("Rigs"),
            empty_title=_("No rigs yet."),
            empty_text=_("The customers' rigs your drill bits go to."),
            icon="broadcast-pin",
            sort_choices=(
                ("name", _("Name A–Z")),
                ("customer", _("Customer")),
                ("-created_at", _("Newest first")),
            ),
        ),
    )


class WellPages(Pages):
    entity = WELLS
    form_class = WellForm
    lists = (
        ListPage(
            "well_list",
            "",
            codename=VIEW_WELL,
            heading=_("Wells"),
            empty_title=_("No wells yet."),
            empty_text=_("The customers' wells, with their field and depth."),
            icon="geo-alt",
            sort_choices=(
                ("name", _("Name A–Z")),
                ("customer", _("Customer")),
                ("field", _("Field")),
                ("-depth_m", _("Deepest first")),
                ("-created_at", _("Newest first")),
            ),
        ),
    )
