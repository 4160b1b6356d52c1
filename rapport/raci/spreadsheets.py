"""Reading and writing RACI spreadsheets (CSV and XLSX) safely.

Uploads are hostile until proven otherwise: the size is checked before anything is parsed, the
format is told from the content (not the name), an XLSX is checked for zip bombs before openpyxl
opens it (openpyxl parses its XML through defusedxml), and no cell is ever evaluated. On export,
a cell a spreadsheet would run as a formula (= + - @) is prefixed with ' and written as text.

The stakeholder register has a reader of its own; this one differs where a RACI does: a grid has
one column per party, so hundreds of columns, and every row keeps its spreadsheet number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from rapport.lib.xlsx_guard import xlsx_archive_problem
from rapport.stakeholders.rules import neutralise, unneutralise  # one rule for every export

MAX_ROWS = 20_000  # data rows in one file
MAX_COLUMNS = 1_000  # a grid has one column per party
MAX_CELL_CHARS = 10_000
# Zip bombs: an XLSX's unpacked size and ratio are checked first (rapport.lib.xlsx_guard).

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# Fill and font colour per letter, in the page and in the XLSX (contrast AA on the fill).
LETTER_COLOURS = {
    "R": ("CFE2FF", "0B3D91"),
    "A": ("FFD9B3", "7A3300"),
    "C": ("D4EDDA", "155724"),
    "I": ("E9E3F5", "3F2A73"),
}


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def cell_text(value) -> str:
    """A cell's value as the text a person sees. Formulas stay text: nothing is evaluated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


# --- reading -----------------------------------------------------------------------------------


def read_rows(
    content: bytes,
    *,
    max_bytes: int,
    max_rows: int = MAX_ROWS,
    sheet: str | None = None,
    info: dict | None = None,
):
    """The cells of an uploaded CSV or XLSX: ``(rows, format, notes)``.

    ``rows[i]`` is spreadsheet row ``i + 1`` (blank rows kept, so numbers match what the user
    sees), each a list of trimmed text cells. Raises :class:`FileProblem` for a file that cannot
    be read at all. `sheet` names the XLSX sheet to read; `info`, when given, receives the
    workbook's ``sheets`` and the ``heading_rows`` written bold or merged.
    """
    info = {} if info is None else info
    if len(content) > max_bytes:
        raise FileProblem(
            f"The file is {human_size(len(content))}; the limit is {human_size(max_bytes)}. "
            "Import the RACI in parts (a phase at a time), or remove columns you do not need."
        )
    if not content:
        raise FileProblem("The file is empty.")
    if content.startswith(b"PK\x03\x04"):
        rows, notes = _read_xlsx(content, max_rows, sheet, info)
        kind = "xlsx"
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            "This is an old Excel 97-2003 file (.xls). Save it as Excel Workbook (.xlsx) or CSV "
            "and upload that."
        )
    elif content.startswith(b"%PDF") or (
        content[:1024].count(b"\x00") > 16 and not content.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        raise FileProblem("This is not a spreadsheet: upload a CSV or XLSX file.")
    else:
        rows, notes = _read_csv(content, max_rows)
        kind = "csv"
    cleaned = []
    for number, row in enumerate(rows, start=1):
        # A grid is mostly empty cells: keep the common cases (None, plain text) cheap.
        cells = [
            "" if value is None else (value if type(value) is str else cell_text(value)).strip()
            for value in row
        ]
        for column, text in enumerate(cells):
            if text and (text[0] == "'" or len(text) > MAX_CELL_CHARS):
                if len(text) > MAX_CELL_CHARS:
                    raise FileProblem(
                        f"Row {number}, column {column + 1} holds {len(text):,} characters; a "
                        f"RACI cell has at most {MAX_CELL_CHARS:,}."
                    )
                cells[column] = unneutralise(text)
        while cells and not cells[-1]:
            cells.pop()
        cleaned.append(cells)
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    if not cleaned:
        raise FileProblem("The file has no rows: the first row names the columns.")
    return cleaned, kind, notes


def decode_text(content: bytes) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else Windows-1252
    with a note. Bytes no encoding explains are refused with where they are."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), ["Read as UTF-16 text."]
        except UnicodeDecodeError as error:
            raise FileProblem(
                f"The file claims to be UTF-16 but byte {error.start} is not valid UTF-16."
            ) from None
    try:
        return content.decode("utf-8"), []
    except UnicodeDecodeError as utf8_error:
        line = content[: utf8_error.start].count(b"\n") + 1
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise FileProblem(
                f"The file is not UTF-8 text: line {line} has bytes no known encoding explains. "
                "Save it as “CSV UTF-8” and upload it again."
            ) from None
        return text, [
            f"The file is not UTF-8 (first odd byte on line {line}); it was read as Windows-1252 "
            "(Western European). Check accented names in the preview; save as “CSV UTF-8” to be "
            "sure."
        ]


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (European Excel) or tab: whichever splits the first lines into most
    columns. Semicolons inside list cells ("Ann; Bob") are quoted, so they do not count."""
    lines = [line for line in text.splitlines() if line.strip()][:5]
    best, best_count = ",", 0
    for delimiter in (",", ";", "\t"):
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        count = min(counts) if counts else 0
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _read_csv(content: bytes, max_rows: int):
    text, notes = decode_text(content)
    if "\x00" in text:
        raise FileProblem("The file contains binary data (NUL bytes): upload a CSV or XLSX file.")
    delimiter = sniff_delimiter(text)
    if delimiter != ",":
        notes.append(
            {";": "Columns are separated by semicolons.", "\t": "Columns are separated by tabs."}[
                delimiter
            ]
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        for cells in reader:
            if len(cells) > MAX_COLUMNS:
                raise FileProblem(
                    f"Row {len(rows) + 1} has {len(cells):,} columns; at most {MAX_COLUMNS:,} "
                    "parties fit in one import."
                )
            rows.append(cells)
            if len(rows) > max_rows + 1:
                raise FileProblem(f"The file has more than {max_rows:,} rows; import it in parts.")
    except csv.Error as error:
        raise FileProblem(f"Row {len(rows) + 1} cannot be read as CSV: {error}.") from None
    return rows, notes


def _check_zip(content: bytes) -> None:
    problem = xlsx_archive_problem(content, what="RACI")
    if problem:
        raise FileProblem(problem)


def _read_xlsx(content: bytes, max_rows: int, sheet: str | None = None, info: dict | None = None):
    from rapport.lib.workbook import SheetProblem, read_sheet

    _check_zip(content)
    try:
        read = read_sheet(
            content,
            sheet=sheet,
            preferred=("raci", "raci matrix"),
            max_rows=max_rows + 1,
            max_columns=MAX_COLUMNS,
        )
    except SheetProblem as problem:
        raise FileProblem(str(problem)) from None
    if info is not None:
        info["sheets"] = read.sheets
        info["sheet"] = read.title
        info["heading_rows"] = read.heading_rows
    return read.rows, read.notes


# --- writing -----------------------------------------------------------------------------------


def safe_text(value) -> str:
    text = neutralise(cell_text(value))
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)  # XML-safe


def write_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a BOM (so Excel reads accents right), comma-separated, formulas neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(cell_text(h)) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell_text(v)) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def write_xlsx(
    header: list[str],
    rows: list[list],
    *,
    title: str,
    grid: bool,
    label_columns: int = 1,
    constant_memory: bool = False,
) -> bytes:
    """One sheet with a bold, frozen header row and first columns; text cells are never formulas.

    The first `label_columns` columns (the activity, and its phase) are labels, not letters.
    In the grid layout each letter is coloured, a conditional format colours letters typed
    later too, and every cell of the grid offers a drop-down of R, A, C, I (a warning, not a
    refusal, so "A/R" can still be typed).

    Written with xlsxwriter, about 4x faster than openpyxl's write-only mode on a 1,000 x 200
    grid (bench/bench_xlsx_export.py has the figures). Its default mode keeps the sheet in memory
    and writes shared strings; `constant_memory` streams rows to a temporary file with the text in
    every cell, which measured slower to write here and twice as slow to read back on import.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": constant_memory,
            "in_memory": not constant_memory,  # no temporary files
            # Every cell is written with write_string, so nothing is ever a formula or a link;
            # these say so again in case a later change uses write().
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(title[:31] or "RACI")
    sheet.freeze_panes(1, label_columns)
    width = max(len(header), 1)
    bold = workbook.add_format({"bold": True})
    letter_header = workbook.add_format({"bold": True, "rotation": 90, "align": "center"})
    centred = workbook.add_format({"align": "center"})
    letter_formats, typed_letter_formats = {}, {}
    for letter, (fill, ink) in LETTER_COLOURS.items():
        colours = {"bold": True, "font_color": f"#{ink}", "bg_color": f"#{fill}"}
        letter_formats[letter] = workbook.add_format({**colours, "pattern": 1, "align": "center"})
        typed_letter_formats[letter] = workbook.add_format(colours)  # for the conditional format

    names = [len(str(row[0])) for row in rows[:2000] if row]
    sheet.set_column(0, 0, min(60, max([12, *names]) + 2))
    if label_columns > 1:
        sheet.set_column(1, label_columns - 1, 20)
    if width > label_columns:
        sheet.set_column(label_columns, width - 1, 6 if grid else 30)
    if grid and width > label_columns and rows:
        cells = (1, label_columns, len(rows), width - 1)
        sheet.data_validation(
            *cells,
            {
                "validate": "list",
                "source": list(LETTER_COLOURS),
                "ignore_blank": True,
                "error_type": "warning",
                "error_title": "RACI letter",
                "error_message": "Use R, A, C or I (or A/R when the Accountable also does the work).",
                "input_title": "RACI",
                "input_message": "R Responsible, A Accountable, C Consulted, I Informed",
            },
        )
        for letter in LETTER_COLOURS:
            sheet.conditional_format(
                *cells,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{letter}"',
                    "format": typed_letter_formats[letter],
                },
            )

    for column, value in enumerate(header):
        is_letter_column = grid and column >= label_columns
        sheet.write_string(0, column, safe_text(value), letter_header if is_letter_column else bold)
    write_string = sheet.write_string
    texts = {}  # a grid repeats a handful of letters 20,000 times: clean each value once
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":  # most of a grid: skip it cheaply
                continue
            text = texts.get(value)
            if text is None:
                text = texts[value] = safe_text(value)
            if not text:
                continue
            if column == 0:
                write_string(number, 0, text, bold)
            elif grid and column >= label_columns:
                write_string(number, column, text, letter_formats.get(text[0], centred))
            else:
                write_string(number, column, text)
    workbook.close()
    return buffer.getvalue()
