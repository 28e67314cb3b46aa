"""One formula-escaping function for every CSV export (the kit's lists, the audit log)."""

import pytest

from opsbase.web.csv import csv_cell, csv_lines, csv_uncell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "|", "\t", "\r", "\n"])
def test_a_cell_a_spreadsheet_would_run_is_shown_as_text(start):
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["plain", "a=b", "1-2", "", None, 42])
def test_other_cells_are_left_as_they_are(value):
    assert csv_cell(value) == ("" if value is None else str(value))


def test_every_cell_of_the_lines_goes_through_it():
    lines = list(csv_lines(["Title"], [["=SUM(A1)"], ["|calc"]]))
    assert lines == ["Title\r\n", "'=SUM(A1)\r\n", "'|calc\r\n"]


@pytest.mark.parametrize("value", ["=SUM(A1)", "|calc", "plain", "'quoted", "-3", ""])
def test_a_defused_cell_reads_back_as_it_was(value):
    assert csv_uncell(csv_cell(value)) == value


def test_the_exports_use_it():
    from opsbase.kernel.audit import views as audit_views
    from opsbase.kit import views as kit_views

    assert kit_views.csv_lines is csv_lines  # every module's list (the tasks' among them)
    assert audit_views.csv_lines is csv_lines
