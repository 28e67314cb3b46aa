"""QR codes and printable labels of drill bits: an SVG of one code (the ``qrcode``
package), label sheets as PDF (A4, 24 labels a page; a 62 mm roll, one label a page) and as
SVG. Each code is the bit's scan URL (``/s/<scan code>/``)."""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import qrcode
import qrcode.constants
import qrcode.image.svg

from .models import DrillBit

SVG_NS = "http://www.w3.org/2000/svg"


def _svg_text(root: ET.Element) -> str:
    # SVG as the default namespace (<svg>, not <svg:svg>: what browsers read inline too);
    # the qrcode package registers the "svg" prefix whenever it draws, so say it each time.
    ET.register_namespace("", SVG_NS)
    return ET.tostring(root, encoding="unicode")


@dataclass(frozen=True)
class Sheet:
    """A page layout of labels, in millimetres."""

    page_width: float
    page_height: float
    columns: int
    rows: int

    @property
    def label_width(self) -> float:
        return self.page_width / self.columns

    @property
    def label_height(self) -> float:
        return self.page_height / self.rows

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


#: 24 labels of 70 × 37 mm on an A4 sheet (the common 3 × 8 label stock).
A4 = Sheet(210.0, 297.0, columns=3, rows=8)
#: A 62 mm continuous roll (label printers), cut every 40 mm: one label per page.
ROLL = Sheet(62.0, 40.0, columns=1, rows=1)
LAYOUTS = {"a4": A4, "roll": ROLL}


def _qr(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str) -> str:
    """An SVG document of the QR code of *data* (scales to its box: no fixed size)."""
    image = _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    root = ET.fromstring(image.to_string(encoding="unicode"))  # noqa: S314 - our own output
    root.attrib.pop("width", None)
    root.attrib.pop("height", None)
    return _svg_text(root)


def size_text(bit: DrillBit) -> str:
    """The size as a label prints it in plain characters (``8 1/2 in``)."""
    return f"{bit.size.replace('-', ' ')} in"


def label_lines(bit: DrillBit) -> list[str]:
    """What a label says beside its code: the serial number first."""
    lines = [bit.serial_number, size_text(bit), str(bit.get_bit_type_display())]
    detail = " · ".join(part for part in (bit.design, bit.iadc_code) if part)
    if detail:
        lines.append(detail)
    return lines


# -- SVG -------------------------------------------------------------------------------------


def labels_svg(bits: Sequence[DrillBit], url_of: Callable[[DrillBit], str]) -> str:
    """Roll-sized labels (62 × 40 mm) of *bits* one under the other, as one SVG document."""
    width, height = ROLL.label_width, ROLL.label_height
    root = ET.Element(
        f"{{{SVG_NS}}}svg",
        {
            "version": "1.1",
            "width": f"{width}mm",
            "height": f"{height * max(len(bits), 1)}mm",
            "viewBox": f"0 0 {width} {height * max(len(bits), 1)}",
        },
    )
    for index, bit in enumerate(bits):
        top = index * height
        group = ET.SubElement(root, f"{{{SVG_NS}}}g", {"data-serial": bit.serial_number})
        ET.SubElement(
            group,
            f"{{{SVG_NS}}}rect",
            {
                "x": "0.2",
                "y": f"{top + 0.2}",
                "width": f"{width - 0.4}",
                "height": f"{height - 0.4}",
                "fill": "none",
                "stroke": "#999",
                "stroke-width": "0.2",
            },
        )
        code = ET.fromstring(qr_svg(url_of(bit)))  # noqa: S314 - our own output
        side = min(height - 6, width * 0.45)
        code.attrib.update(
            {"x": "3", "y": f"{top + (height - side) / 2}", "width": f"{side}", "height": f"{side}"}
        )
        group.append(code)
        room = width - side - 9
        for line, text in enumerate(label_lines(bit)):
            # About 0.55 em a character in a sans-serif face: shrink a long line to its room.
            size = min(4.2 if line == 0 else 3.0, room / (0.55 * max(len(text), 1)))
            element = ET.SubElement(
                group,
                f"{{{SVG_NS}}}text",
                {
                    "x": f"{side + 6}",
                    "y": f"{top + 9 + line * 6}",
                    "font-family": "Helvetica, Arial, sans-serif",
                    "font-size": f"{size:.2f}",
                    "font-weight": "bold" if line == 0 else "normal",
                },
            )
            element.text = text
    return _svg_text(root)


# -- PDF -------------------------------------------------------------------------------------


def _draw_qr(canvas, data: str, x: float, y: float, side: float) -> None:
    """The QR code of *data* as filled rectangles (vector, sharp at any size); (x, y) is the
    bottom-left corner, in points."""
    matrix = _qr(data).get_matrix()
    cell = side / len(matrix)
    for row_index, row in enumerate(matrix):
        top = y + side - (row_index + 1) * cell
        start = None
        for col_index, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                canvas.rect(x + start * cell, top, (col_index - start) * cell, cell, 0, 1)
                start = None


def _ascii(text: str) -> str:
    # The PDF's built-in fonts print Latin-1; anything else would print as a blank box.
    return text.encode("latin-1", "replace").decode("latin-1")


def _fitting(text: str, font: str, size: float, room: float) -> float:
    """The font size, at most *size* and at least 5 pt, at which *text* fits in *room*."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = stringWidth(text, font, size)
    return size if width <= room else max(5.0, size * room / width)


def labels_pdf(
    bits: Sequence[DrillBit], url_of: Callable[[DrillBit], str], layout: str = "a4"
) -> bytes:
    """A PDF of the labels of *bits* on *layout* (``a4``: 24 a page; ``roll``: one a page)."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    sheet = LAYOUTS[layout]
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(sheet.page_width * mm, sheet.page_height * mm))
    canvas.setTitle("Drill bit labels")
    canvas.setCreator("OpsBase")
    width, height = sheet.label_width * mm, sheet.label_height * mm
    pages = max(1, math.ceil(len(bits) / sheet.per_page))
    for page in range(pages):
        for slot, bit in enumerate(bits[page * sheet.per_page : (page + 1) * sheet.per_page]):
            column, row = slot % sheet.columns, slot // sheet.columns
            left = column * width
            bottom = sheet.page_height * mm - (row + 1) * height
            side = min(height - 6 * mm, width * 0.45)
            _draw_qr(canvas, url_of(bit), left + 3 * mm, bottom + (height - side) / 2, side)
            text_left = left + side + 6 * mm
            room = width - side - 9 * mm
            for line, text in enumerate(label_lines(bit)):
                font = "Helvetica-Bold" if line == 0 else "Helvetica"
                size = _fitting(_ascii(text), font, 11 if line == 0 else 7.5, room)
                canvas.setFont(font, size)
                canvas.drawString(text_left, bottom + height - (8 + line * 5.5) * mm, _ascii(text))
        canvas.showPage()
    canvas.save()
    return out.getvalue()
