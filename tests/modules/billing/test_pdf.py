"""The invoice PDF: rendered by WeasyPrint from the HTML template, a 60-line invoice runs
over pages whose lines' header repeats and whose totals stay on one page; each page is kept
as a PNG (``test-artifacts/billing/``, by ``pdftoppm``) for a person to look at."""

import shutil
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest

from opsbase.modules.billing.documents import invoice_pdf
from opsbase.testing.matrix import session_client

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "billing"
SIXTY = [
    {
        "description": f"Line {n}: inspection of bit ACM-{24000 + n}, cutters and nozzles",
        "quantity": Decimal(n % 5 + 1),
        "unit_amount": Decimal("137.45"),
        "tax_rate": Decimal(21) if n % 2 else Decimal(0),
    }
    for n in range(1, 61)
]


def _pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_a_60_line_invoice_prints_over_pages_with_its_totals_on_one(world, make_invoice):
    admin = world.members["admin"]
    invoice = make_invoice(admin, issue=True, lines=SIXTY)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    invoice_pdf(invoice)  # the first in a process also loads the fonts
    first = time.perf_counter() - started
    started = time.perf_counter()
    data = invoice_pdf(invoice)
    seconds = time.perf_counter() - started

    pdf = ARTIFACTS / f"{invoice.number}.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / invoice.number)], check=True
    )
    # Kept, not asserted (no timed tests): the render time of a 60-line invoice.
    (ARTIFACTS / "render-seconds.txt").write_text(f"first {first:.2f}\nnext {seconds:.2f}\n")
    pages = _pages_text(pdf)
    assert data.startswith(b"%PDF")
    assert len(pages) >= 2
    assert all("Description" in page and "Amount" in page for page in pages)  # header repeats
    assert sum(page.count("inspection of bit") for page in pages) == 60
    holding_totals = [p for p in pages if "Subtotal" in p]
    assert len(holding_totals) == 1 and "Balance due" in holding_totals[0]
    assert invoice.number in pages[0] and "Initech EUR" in pages[0]
    assert len(list(ARTIFACTS.glob(f"{invoice.number}-*.png"))) == len(pages)


def test_the_pdf_page_answers_as_the_invoice_page_does(world, make_invoice):
    invoice = make_invoice(world.members["admin"])
    url = f"/billing/invoices/{invoice.pk}/pdf/"

    mine = session_client(world.members["admin"]).get(url)
    user = session_client(world.members["user"]).get(url)
    foreign = session_client(world.away_members["admin"]).get(url)

    assert mine.status_code == 200 and mine["Content-Type"] == "application/pdf"
    assert mine.content.startswith(b"%PDF") and 'filename="draft-' in mine["Content-Disposition"]
    assert user.status_code == 403
    assert foreign.status_code == 404
