"""``python -m bench.invoice_pdf``: how long WeasyPrint takes to render a 60-line invoice.

The acceptance of issue 16 asks for a 60-line invoice's PDF in under 2 s. Timed here, not
asserted in a test (tests do not time). Runs on a throwaway test database (the test settings,
SQLite unless ``DATABASE_URL`` says otherwise): an organization, a customer and the invoice
are written through the services, then the PDF is rendered once cold (the first render of a
process loads the fonts) and ``--repeat`` times warm. Prints the figures and writes them to
``test-artifacts/billing/bench-invoice-pdf.json``.

    python -m bench.invoice_pdf               # 60 lines, 10 warm renders
    python -m bench.invoice_pdf --lines 200 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from decimal import Decimal
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "billing"


def _lines(count: int) -> list[dict]:
    return [
        {
            "description": f"Line {n}: inspection of bit ACM-{24000 + n}, cutters and nozzles",
            "quantity": Decimal(n % 5 + 1),
            "unit_amount": Decimal("137.45"),
            "tax_rate": Decimal(21) if n % 2 else Decimal(0),
        }
        for n in range(1, count + 1)
    ]


def _pages(data: bytes) -> int | None:
    """The PDF's page count, by ``pdfinfo`` (poppler) when it is installed."""
    import shutil
    import subprocess
    import tempfile

    if shutil.which("pdfinfo") is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        info = subprocess.run(  # noqa: S603 - a fixed tool on our own file
            ["pdfinfo", pdf.name],
            capture_output=True,
            text=True,
            check=False,  # noqa: S607
        ).stdout
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.invoice_pdf", description=__doc__)
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from opsbase.core.context import tenant_context
        from opsbase.kernel.roles.constants import RoleKind
        from opsbase.modules.billing.documents import invoice_pdf
        from opsbase.modules.billing.services import invoice_create, invoice_issue
        from opsbase.modules.customers.models import Customer
        from opsbase.testing.matrix import build_world

        world = build_world()
        admin = world.members[RoleKind.ADMIN]
        with tenant_context(admin.tenant_id):
            customer = Customer(tenant=admin.tenant, name="Initech", currency="EUR")
            customer.save()
            invoice = invoice_create(membership=admin, customer=customer, lines=_lines(args.lines))
            invoice_issue(membership=admin, invoice=invoice)

            started, cpu = time.perf_counter(), time.process_time()
            data = invoice_pdf(invoice)
            cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
            warm, warm_cpu = [], []
            for _ in range(args.repeat):
                started, cpu = time.perf_counter(), time.process_time()
                invoice_pdf(invoice)
                warm.append(time.perf_counter() - started)
                warm_cpu.append(time.process_time() - cpu)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)

    pages = _pages(data)
    figures = {
        "lines": args.lines,
        "bytes": len(data),
        "cold_seconds": round(cold, 3),
        "warm_median_seconds": round(statistics.median(warm), 3) if warm else None,
        "warm_max_seconds": round(max(warm), 3) if warm else None,
        "cold_cpu_seconds": round(cold_cpu, 3),
        "warm_median_cpu_seconds": round(statistics.median(warm_cpu), 3) if warm else None,
        "pages": pages,
        "repeat": args.repeat,
        "database": connection.vendor,
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "bench-invoice-pdf.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(  # noqa: T201 - the benchmark's report
        f"{args.lines}-line invoice PDF ({len(data) // 1024} KB, {pages} pages): "
        f"cold {cold:.2f} s ({cold_cpu:.2f} s CPU), warm median "
        f"{figures['warm_median_seconds']} s ({figures['warm_median_cpu_seconds']} s CPU), "
        f"max {figures['warm_max_seconds']} s over {args.repeat}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
