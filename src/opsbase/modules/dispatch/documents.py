"""The printable dispatch note: an A4 PDF with the note's header, destination and the list
of drill bits, with room for signatures (reportlab's built-in fonts)."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from opsbase.modules.drillbits.models import DrillBit

from .models import DispatchNote


def _latin(text: object) -> str:
    # The PDF's built-in fonts print Latin-1; anything else would print as a blank box.
    return str(text).encode("latin-1", "replace").decode("latin-1")


def dispatchnote_pdf(note: DispatchNote, bits: Sequence[DrillBit], *, organization: str) -> bytes:
    """*note* with *bits* on it, as the PDF the driver carries."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    out = BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(_latin(_("Dispatch note %(number)s") % {"number": note.number}))
    canvas.setCreator("OpsBase")
    width, height = A4
    left, right = 20 * mm, width - 20 * mm

    def header() -> float:
        y = height - 25 * mm
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(left, y, _latin(_("Dispatch note")))
        canvas.drawRightString(right, y, _latin(note.number))
        canvas.setFont("Helvetica", 10)
        y -= 7 * mm
        canvas.drawString(left, y, _latin(organization))
        canvas.drawRightString(right, y, _latin(note.get_kind_display()))
        return y - 10 * mm

    y = header()
    details = [
        (_("Date"), date_format(note.date, "DATE_FORMAT")),
        (_("State"), note.get_state_display()),
        (_("Rig"), note.rig.name if note.rig else "-"),
        (_("Well"), note.well.name if note.well else "-"),
        (_("Carrier"), note.carrier or "-"),
        (_("Reference"), note.reference or "-"),
    ]
    for label, value in details:
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(left, y, _latin(label))
        canvas.setFont("Helvetica", 10)
        canvas.drawString(left + 35 * mm, y, _latin(value))
        y -= 6 * mm
    if note.notes:
        canvas.setFont("Helvetica-Oblique", 9)
        for line in note.notes.splitlines()[:6]:
            canvas.drawString(left, y, _latin(line[:110]))
            y -= 5 * mm
    y -= 6 * mm
    columns = (
        (left, _("#")),
        (left + 10 * mm, _("Serial number")),
        (left + 55 * mm, _("Type")),
        (left + 100 * mm, _("Size")),
        (left + 125 * mm, _("Design")),
    )

    def table_head(y: float) -> float:
        canvas.setFont("Helvetica-Bold", 10)
        for x, title in columns:
            canvas.drawString(x, y, _latin(title))
        canvas.line(left, y - 2 * mm, right, y - 2 * mm)
        return y - 7 * mm

    y = table_head(y)
    canvas.setFont("Helvetica", 10)
    for index, bit in enumerate(bits, start=1):
        if y < 40 * mm:
            canvas.showPage()
            y = table_head(header())
            canvas.setFont("Helvetica", 10)
        values = (
            str(index),
            bit.serial_number,
            bit.get_bit_type_display(),
            bit.size,
            bit.design or "",
        )
        for (x, _title), value in zip(columns, values, strict=True):
            canvas.drawString(x, y, _latin(value)[:40])
        y -= 6 * mm
    canvas.setFont("Helvetica", 9)
    canvas.drawString(left, 25 * mm, _latin(_("Shipped by (signature)")))
    canvas.drawString(left + 90 * mm, 25 * mm, _latin(_("Received by (signature)")))
    canvas.line(left, 32 * mm, left + 70 * mm, 32 * mm)
    canvas.line(left + 90 * mm, 32 * mm, right, 32 * mm)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
