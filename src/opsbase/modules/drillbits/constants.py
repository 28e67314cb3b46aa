"""Choices of a drill bit, its run records and its lifecycle: the states and every allowed move
between them, each under the permission it needs."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.workflows import Transition, Workflow

VIEW = "drillbits.view_drillbit"
ADD = "drillbits.add_drillbit"
CHANGE = "drillbits.change_drillbit"
DELETE = "drillbits.delete_drillbit"
#: The workshop's everyday moves: receive, send to the field, return, repair, restock.
MOVE = "drillbits.move_drillbit"
#: Planning's moves: assign a bit in stock to a rig or well, or take it back.
ASSIGN = "drillbits.assign_drillbit"
#: Writing a bit off.
SCRAP = "drillbits.scrap_drillbit"
#: Recording a bit's runs (well, depths, hours, dull grade).
RECORD_RUN = "drillbits.add_bitrun"

ALL_CODENAMES = (VIEW, ADD, CHANGE, DELETE, MOVE, ASSIGN, SCRAP, RECORD_RUN)
TECHNICIAN_CODENAMES = (VIEW, MOVE, RECORD_RUN)


class BitType(models.TextChoices):
    PDC = "pdc", _("PDC (fixed cutter)")
    ROLLER_CONE = "roller_cone", _("Roller cone")
    HYBRID = "hybrid", _("Hybrid")
    IMPREGNATED = "impregnated", _("Diamond impregnated")
    NATURAL_DIAMOND = "natural_diamond", _("Natural diamond")
    CORE_HEAD = "core_head", _("Core head")


class BitSize(models.TextChoices):
    """The nominal diameters the workshop handles (API standard sizes), in inches."""

    S_3_7_8 = "3-7/8", _("3⅞ in (98.4 mm)")
    S_4_3_4 = "4-3/4", _("4¾ in (120.7 mm)")
    S_5_7_8 = "5-7/8", _("5⅞ in (149.2 mm)")
    S_6 = "6", _("6 in (152.4 mm)")
    S_6_1_8 = "6-1/8", _("6⅛ in (155.6 mm)")
    S_6_1_2 = "6-1/2", _("6½ in (165.1 mm)")
    S_7_7_8 = "7-7/8", _("7⅞ in (200.0 mm)")
    S_8_1_2 = "8-1/2", _("8½ in (215.9 mm)")
    S_8_3_4 = "8-3/4", _("8¾ in (222.3 mm)")
    S_9_7_8 = "9-7/8", _("9⅞ in (250.8 mm)")
    S_10_5_8 = "10-5/8", _("10⅝ in (269.9 mm)")
    S_12_1_4 = "12-1/4", _("12¼ in (311.2 mm)")
    S_13_1_2 = "13-1/2", _("13½ in (342.9 mm)")
    S_14_3_4 = "14-3/4", _("14¾ in (374.7 mm)")
    S_16 = "16", _("16 in (406.4 mm)")
    S_17_1_2 = "17-1/2", _("17½ in (444.5 mm)")
    S_22 = "22", _("22 in (558.8 mm)")
    S_26 = "26", _("26 in (660.4 mm)")


class BitState(models.TextChoices):
    NEW = "new", _("New")
    IN_STOCK = "in_stock", _("In stock")
    ASSIGNED = "assigned", _("Assigned")
    IN_FIELD = "in_field", _("In field")
    RETURNED = "returned", _("Returned")
    REPAIR = "repair", _("In repair")
    SCRAPPED = "scrapped", _("Scrapped")


STATE_BADGES = {
    BitState.NEW: "text-bg-light border",
    BitState.IN_STOCK: "text-bg-success",
    BitState.ASSIGNED: "text-bg-info",
    BitState.IN_FIELD: "text-bg-primary",
    BitState.RETURNED: "text-bg-warning",
    BitState.REPAIR: "text-bg-secondary",
    BitState.SCRAPPED: "text-bg-dark",
}

# Every move stamps when the bit entered its new state (and what it leaves behind); the
# workflow saves and audits it with the state.
EFFECTS = "opsbase.modules.drillbits.services.drillbit_move_effects"
NEEDS_A_SITE = "opsbase.modules.drillbits.services.drillbit_site_missing"

BIT_WORKFLOW = Workflow(
    states=BitState,
    initial=BitState.NEW,
    transitions=[
        Transition(
            "receive",
            source=BitState.NEW,
            target=BitState.IN_STOCK,
            codename=MOVE,
            effects=EFFECTS,
            label=_("Receive into stock"),
        ),
        Transition(
            "assign",
            source=BitState.IN_STOCK,
            target=BitState.ASSIGNED,
            codename=ASSIGN,
            guard=NEEDS_A_SITE,
            effects=EFFECTS,
            label=_("Assign to a rig or well"),
        ),
        Transition(
            "unassign",
            source=BitState.ASSIGNED,
            target=BitState.IN_STOCK,
            codename=ASSIGN,
            effects=EFFECTS,
            label=_("Take back into stock"),
        ),
        Transition(
            "deploy",
            source=BitState.ASSIGNED,
            target=BitState.IN_FIELD,
            codename=MOVE,
            effects=EFFECTS,
            label=_("Send to the field"),
        ),
        Transition(
            "return",
            source=BitState.IN_FIELD,
            target=BitState.RETURNED,
            codename=MOVE,
            effects=EFFECTS,
            label=_("Returned from the field"),
        ),
        Transition(
            "repair",
            source=BitState.RETURNED,
            target=BitState.REPAIR,
            codename=MOVE,
            effects=EFFECTS,
            label=_("Send to repair"),
        ),
        Transition(
            "restock",
            source=BitState.REPAIR,
            target=BitState.IN_STOCK,
            codename=MOVE,
            effects=EFFECTS,
            label=_("Repaired: back in stock"),
        ),
        Transition(
            "scrap",
            source={BitState.RETURNED, BitState.REPAIR},
            target=BitState.SCRAPPED,
            codename=SCRAP,
            effects=EFFECTS,
            optional_fields=("reason",),
            label=_("Scrap"),
        ),
    ],
)


# -- IADC dull grading (the eight fields of a pulled bit) -------------------------------------


class DullCharacteristic(models.TextChoices):
    BC = "BC", _("BC – broken cone")
    BF = "BF", _("BF – bond failure")
    BT = "BT", _("BT – broken teeth or cutters")
    BU = "BU", _("BU – balled up")
    CC = "CC", _("CC – cracked cone")
    CD = "CD", _("CD – cone dragged")
    CI = "CI", _("CI – cone interference")
    CR = "CR", _("CR – cored")
    CT = "CT", _("CT – chipped teeth or cutters")
    ER = "ER", _("ER – erosion")
    FC = "FC", _("FC – flat crested wear")
    HC = "HC", _("HC – heat checking")
    JD = "JD", _("JD – junk damage")
    LC = "LC", _("LC – lost cone")
    LN = "LN", _("LN – lost nozzle")
    LT = "LT", _("LT – lost teeth or cutters")
    NO = "NO", _("NO – no dull characteristic")
    OC = "OC", _("OC – off-centre wear")
    PB = "PB", _("PB – pinched bit")
    PN = "PN", _("PN – plugged nozzle")
    RG = "RG", _("RG – rounded gauge")
    RO = "RO", _("RO – ring out")
    SD = "SD", _("SD – shirttail damage")
    SS = "SS", _("SS – self-sharpening wear")
    TR = "TR", _("TR – tracking")
    WO = "WO", _("WO – washed out")
    WT = "WT", _("WT – worn teeth or cutters")


class DullLocation(models.TextChoices):
    CONE = "C", _("C – cone")
    NOSE = "N", _("N – nose")
    TAPER = "T", _("T – taper")
    SHOULDER = "S", _("S – shoulder")
    GAUGE = "G", _("G – gauge")
    ALL = "A", _("A – all areas")
    MIDDLE = "M", _("M – middle row")
    HEEL = "H", _("H – heel row")


class DullReason(models.TextChoices):
    BHA = "BHA", _("BHA – change bottom-hole assembly")
    CM = "CM", _("CM – condition mud")
    CP = "CP", _("CP – core point")
    DMF = "DMF", _("DMF – downhole motor failure")
    DP = "DP", _("DP – drill plug")
    DST = "DST", _("DST – drill stem test")
    DTF = "DTF", _("DTF – downhole tool failure")
    FM = "FM", _("FM – formation change")
    HP = "HP", _("HP – hole problems")
    HR = "HR", _("HR – hours on bit")
    LIH = "LIH", _("LIH – left in hole")
    LOG = "LOG", _("LOG – run logs")
    PP = "PP", _("PP – pump pressure")
    PR = "PR", _("PR – penetration rate")
    RIG = "RIG", _("RIG – rig repair")
    TD = "TD", _("TD – total depth")
    TQ = "TQ", _("TQ – torque")
    TW = "TW", _("TW – twist-off")
    WC = "WC", _("WC – weather conditions")


#: A bearing or seal grade: 0 (new) to 8 (all life used), E (seals effective), F (failed),
#: N (not able to grade), X (fixed cutter: no bearing).
DULL_BEARING_GRADES = tuple("012345678EFNX")
#: Gauge: I (in gauge) or sixteenths of an inch under gauge (1 to 16).
DULL_GAUGE_PATTERN = r"^(I|(?:[1-9]|1[0-6])/16)$"
#: IADC classification: roller cone (series 1-8, type 1-4, bearing and gauge 1-7, an optional
#: feature letter: 517X) or fixed cutter (body M or S, cutter density, size, profile: M323).
IADC_CODE_PATTERN = r"^(?:[1-8][1-4][1-7][A-Z]?|[MS][1-9][1-4][1-4])$"
