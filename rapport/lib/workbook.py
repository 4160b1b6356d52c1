"""Reading one sheet of an uploaded XLSX as people lay them out: several sheets (the caller may
name one), title rows, merged cells and bold section rows.

The zip-bomb check (xlsx_guard) has passed before this is called. Small workbooks are opened in
full so merged cells and bold text can be seen; large ones are streamed (read-only mode keeps
memory flat on a 20,000-row file) and then only the values count.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from rapport.lib.columns import norm

# Up to this size the workbook is opened in full, formatting included.
FORMATTED_MAX_BYTES = 256 * 1024


class SheetProblem(Exception):
    """The workbook or the asked-for sheet cannot be read; the message says why."""


@dataclass
class SheetRead:
    rows: list[list]  # raw cell values, rows[i] is spreadsheet row i + 1
    title: str
    sheets: list[str]  # the visible sheets, in order
    notes: list[str] = field(default_factory=list)
    # Rows (1-based) written as headings: one bold or merged label and nothing else.
    heading_rows: set[int] = field(default_factory=set)


def read_sheet(
    content: bytes,
    *,
    sheet: str | None,
    preferred: tuple[str, ...],
    max_rows: int,
    max_columns: int,
) -> SheetRead:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    formatted = len(content) <= FORMATTED_MAX_BYTES
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=not formatted, data_only=False
        )
    except (InvalidFileException, KeyError, ValueError, zipfile.BadZipFile, OSError) as error:
        raise SheetProblem(
            f"The XLSX file cannot be read ({error.__class__.__name__}); save it again from Excel."
        ) from None
    except Exception as error:  # defusedxml refuses entity tricks with its own exceptions
        raise SheetProblem(
            f"The XLSX file cannot be read safely ({error.__class__.__name__})."
        ) from None
    try:
        sheets = [
            ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"
        ]
        if not sheets:
            raise SheetProblem("The workbook has no visible sheet.")
        titles = [ws.title for ws in sheets]
        if sheet:
            chosen = [ws for ws in sheets if norm(ws.title) == norm(sheet)]
            if not chosen:
                raise SheetProblem(
                    f"The workbook has no sheet called “{sheet}”; its sheets are "
                    + ", ".join(f"“{t}”" for t in titles)
                    + "."
                )
        else:
            # A sheet named for what is imported: exactly, else containing the word ("RACI Q3").
            chosen = [ws for ws in sheets if norm(ws.title) in preferred] or [
                ws for ws in sheets if any(word in norm(ws.title).split() for word in preferred)
            ]
        ws = (chosen or sheets)[0]
        notes = (
            [f"Read the sheet “{ws.title}” (the workbook has {len(sheets)}: {', '.join(titles)})."]
            if len(sheets) > 1
            else []
        )
        if not formatted:
            ws.reset_dimensions()
        rows: list[list] = []
        headings: set[int] = set()
        merged_lines: dict[int, tuple[int, int]] = {}  # row -> (first, last column) merged
        filled_down: dict[tuple[int, int], object] = {}  # (row, column) -> value merged down
        if formatted:
            for merged in list(ws.merged_cells.ranges):
                top_left = ws.cell(merged.min_row, merged.min_col).value
                if merged.min_col == merged.max_col:  # a vertical merge: the value fills down
                    for r in range(merged.min_row + 1, merged.max_row + 1):
                        filled_down[(r, merged.min_col)] = top_left
                elif merged.min_row == merged.max_row:
                    merged_lines.setdefault(merged.min_row, (merged.min_col, merged.max_col))
        for number, cells in enumerate(_rows_of(ws, formatted), start=1):
            values = [
                filled_down.get((number, column), getattr(c, "value", None))
                for column, c in enumerate(cells[:max_columns], start=1)
            ]
            while values and values[-1] in (None, ""):
                values.pop()
            rows.append(values)
            if len(rows) > max_rows:
                raise SheetProblem(f"The file has more than {max_rows:,} rows; import it in parts.")
            filled = [v for v in values if v not in (None, "")]
            if formatted and len(filled) == 1 and values and values[0] not in (None, ""):
                font = getattr(cells[0], "font", None)
                if (font is not None and font.b) or number in merged_lines:
                    headings.add(number)
    except SheetProblem:
        raise
    except Exception as error:
        raise SheetProblem(
            f"The XLSX file cannot be read ({error.__class__.__name__}); save it again from Excel."
        ) from None
    finally:
        workbook.close()
    return SheetRead(rows=rows, title=ws.title, sheets=titles, notes=notes, heading_rows=headings)


def _rows_of(ws, formatted: bool):
    """The sheet's rows of cells, as ``ws.iter_rows()`` gives them.

    A fully loaded sheet's iter_rows makes a cell object for every gap (200,000 of them for a
    1,000 x 200 RACI grid holding 20,000 letters, most of a second); the cells the file has are
    looked up instead, and a gap is None, which reads as an empty cell."""
    if not formatted:
        yield from ws.iter_rows()
        return
    cells = ws._cells  # openpyxl's own map of the cells the file has: (row, column) -> cell
    if not cells:
        return
    columns = range(1, ws.max_column + 1)  # from A1, as iter_rows reads
    for row in range(1, ws.max_row + 1):
        yield [cells.get((row, column)) for column in columns]


def sheet_names(content: bytes) -> list[str]:
    """The visible sheets of a workbook (for the sheet select), or [] when it cannot be read."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    except Exception:
        return []
    try:
        return [
            ws.title
            for ws in workbook.worksheets
            if getattr(ws, "sheet_state", "visible") == "visible"
        ]
    finally:
        workbook.close()
