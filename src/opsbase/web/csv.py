"""CSV exports: one streaming writer and one cell escaping for every export."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

# A cell starting with one of these is run by spreadsheets (Excel, LibreOffice, Sheets) as a
# formula or a command (``=HYPERLINK(...)``, ``@SUM``, ``|cmd``, a tab or carriage return
# shifting the cell): it is shown as text by a leading apostrophe instead.
FORMULA_STARTS = ("=", "+", "-", "@", "|", "\t", "\r", "\n")


def csv_cell(value: object) -> str:
    """*value* as CSV text that spreadsheets show rather than run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose ``write`` returns the line, for streaming ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[object], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The CSV lines of *header* and *rows*, every cell through ``csv_cell``: what a
    ``StreamingHttpResponse`` sends as each row is read."""
    writer = csv.writer(_Echo())
    yield writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_uncell(text: str) -> str:
    """*text* of a cell as ``csv_cell`` wrote it, read back: the ``'`` that defused a formula
    taken off (a file exported here imports back as it was)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def csv_response(name: str, lines: Iterable[str]) -> StreamingHttpResponse:
    """A streamed CSV download named ``<name>-<time>.csv``."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
