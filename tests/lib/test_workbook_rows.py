"""A small (fully loaded) workbook is read without making a cell object for every gap: the rows
and section headings must be exactly what reading through openpyxl's iter_rows gives, with gaps,
a merged label and sheets that start below or right of A1."""

import io
import random

import openpyxl
import pytest
from openpyxl.styles import Font

from rapport.lib import workbook
from rapport.lib.workbook import read_sheet


def sparse_workbook(seed: int) -> bytes:
    rng = random.Random(seed)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "RACI"
    top, left = rng.choice([1, 1, 3]), rng.choice([1, 1, 2])  # some sheets start lower or right
    sheet.cell(top, left, "Activity")
    for column in range(1, 30):
        if rng.random() < 0.8:
            sheet.cell(top, left + column, f"Party {column}")
    for row in range(top + 1, top + 60):
        if rng.random() < 0.1:  # a bold section row: one label and nothing else
            sheet.cell(row, left, f"Phase {row}").font = Font(bold=True)
            continue
        sheet.cell(row, left, f"Step {row}")
        for column in range(1, 30):
            if rng.random() < 0.15:  # a sparse grid: most cells are gaps
                sheet.cell(row, left + column, rng.choice("RACI"))
    sheet.merge_cells(
        start_row=top + 5, start_column=left, end_row=top + 7, end_column=left
    )  # a label merged down
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(content: bytes):
    return read_sheet(content, sheet=None, preferred=("raci",), max_rows=1000, max_columns=100)


@pytest.mark.parametrize("seed", range(8))
def test_rows_are_what_iter_rows_gives(seed, monkeypatch):
    content = sparse_workbook(seed)
    fast = read(content)
    # The reference: the same read through openpyxl's iter_rows, a cell made for every gap.
    monkeypatch.setattr(workbook, "_rows_of", lambda sheet, formatted: sheet.iter_rows())
    slow = read(content)
    assert fast.rows == slow.rows
    assert fast.heading_rows == slow.heading_rows
    if fast.rows[0] and fast.rows[0][0] is not None:  # labels in column A: sections are seen
        assert fast.heading_rows
    assert any(None in row for row in fast.rows)  # the grid does have gaps inside rows
