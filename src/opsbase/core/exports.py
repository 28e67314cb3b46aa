"""CSV answers: streamed, and every cell defused so a spreadsheet shows it rather than runs it.

A cell starting with ``=``, ``+``, ``-``, ``@``, ``|`` or a tab/carriage return is read by
spreadsheets as a formula (or a DDE command); :func:`csv_cell` prefixes it with ``'``. Every
CSV export uses it (the kit's lists, the audit log).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "|", "\t", "\r")


def csv_cell(value: Any) -> str:
    """*value* as CSV text that spreadsheets show rather than run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_uncell(text: str) -> str:
    """*text* of a cell as ``csv_cell`` wrote it, read back: the ``'`` that defused a formula
    taken off (a file exported here imports back as it was)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class _Echo:
    """A file-like object whose ``write`` returns the line, for a streaming ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV lines of *header* and *rows*, each cell defused (``csv_cell``)."""
    writer = csv.writer(_Echo())
    yield writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_response(name: str, lines: Iterable[str]) -> StreamingHttpResponse:
    """A streamed CSV download named ``<name>-<time>.csv``."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
