"""Reading and writing spreadsheets (CSV and XLSX) safely.

Uploaded files are hostile until proven otherwise: size is checked before anything is parsed, the
format is told from the content (not the name), XLSX archives are checked for zip bombs before
openpyxl opens them (and openpyxl parses their XML through defusedxml), and no cell is ever
evaluated. Cells that a spreadsheet would run as a formula are neutralised on export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from rapport.lib.xlsx_guard import xlsx_archive_problem

from . import rules

MAX_ROWS = 20_000  # data rows in one file: a register larger than this is imported in parts
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000
# Zip bombs: an XLSX's unpacked size and ratio are checked first (rapport.lib.xlsx_guard).

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells)
    format: str
    notes: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # an XLSX's visible sheets
    sheet: str = ""  # the one read


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return (
            f"{n / 1024 / 1024:.0f} MB" if n % (1024 * 1024) == 0 else f"{n / 1024 / 1024:.1f} MB"
        )
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileProblem(
            f"The file is {human_size(size)}; the limit is {human_size(max_bytes)}. "
            "Split the register into smaller files, or remove columns you do not need."
        )
    if size == 0:
        raise FileProblem("The file is empty.")


def detect_format(content: bytes) -> str:
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            "This is an old Excel 97-2003 file (.xls). Save it as Excel Workbook (.xlsx) or CSV and upload that."
        )
    if (
        content.startswith(b"%PDF")
        or content[:1024].count(b"\x00") > 16
        and not content.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        raise FileProblem("This is not a spreadsheet: upload a CSV or XLSX file.")
    return "csv"


def read_table(
    content: bytes, *, max_bytes: int, max_rows: int = MAX_ROWS, sheet: str | None = None
) -> Table:
    """The header and data rows of an uploaded CSV or XLSX, as text cells. `sheet` names the
    XLSX sheet to read (else a sheet called Register, Stakeholders or Customers, else the
    first)."""
    check_size(len(content), max_bytes)
    kind = detect_format(content)
    info: dict = {}
    if kind == "xlsx":
        header, rows, notes = _read_xlsx(content, max_rows, sheet, info)
    else:
        header, rows, notes = _read_csv(content, max_rows)
    return Table(
        header=header,
        rows=rows,
        format=kind,
        notes=notes,
        sheets=info.get("sheets", []),
        sheet=info.get("sheet", ""),
    )


# --- CSV ------------------------------------------------------------------------------------------


def decode_text(content: bytes) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's 'Unicode text'), else Windows-1252
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
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            line = content[: utf8_error.start].count(b"\n") + 1
            raise FileProblem(
                f"The file is not UTF-8 text: line {line} has bytes no known encoding explains "
                f"(byte {utf8_error.start}). Save it as “CSV UTF-8” and upload it again."
            ) from None
        line = content[: utf8_error.start].count(b"\n") + 1
        return text, [
            f"The file is not UTF-8 (first odd byte on line {line}); it was read as Windows-1252 "
            "(Western European). Check accented names in the preview; save as “CSV UTF-8” to be sure."
        ]


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (European Excel) or tab: whichever splits the first line into most columns
    outside quotes."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, best_count = ",", 0
    for delimiter in (",", ";", "\t"):
        try:
            count = len(next(csv.reader([first], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            count = 0
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
    _check_quotes_close(text, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows = []
    try:
        # Numbered by record, as a spreadsheet numbers its rows (a cell with line breaks in it
        # is still one row).
        for number, cells in enumerate(reader, start=1):
            rows.append((number, [c for c in cells[:MAX_COLUMNS]]))
            if len(rows) > max_rows + 10:
                raise FileProblem(f"The file has more than {max_rows:,} rows; import it in parts.")
    except csv.Error as error:
        raise FileProblem(f"Line {reader.line_num} cannot be read as CSV: {error}.") from None
    return _split_header(rows, max_rows, notes)


def _check_quotes_close(text: str, delimiter: str) -> None:
    """Refuse a quote that opens a cell and never closes: a lenient reader would swallow the rest
    of the file into that one cell and import it as a name."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number, line = 0, 1  # records read so far, and the line the next one starts on
    try:
        for _ in reader:
            number, line = number + 1, reader.line_num + 1
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise FileProblem(
                f'Row {number + 1} (line {line}) opens a quote (") that is never closed, so the '
                "rest of the file would be read as one cell. Close the quote or remove it, then "
                "upload the file again. Nothing was imported."
            ) from None
        # Other strictness complaints (a stray quote inside a cell) are read leniently below.


def _split_header(rows, max_rows, notes):
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise FileProblem(
            "The file has no rows: the first row names the columns (Name, Organisation, ...)."
        )
    # Templates often have a title line above the header: take the first row naming a Name column.
    from .importing import header_has_name  # the column vocabulary lives with the import rules

    for index, (_, cells) in enumerate(rows[:10]):
        if header_has_name(cells):
            header_index = index
            break
    else:
        header_index = 0
    header = [c.strip() for c in rows[header_index][1]]
    data = rows[header_index + 1 :]
    if len(data) > max_rows:
        raise FileProblem(
            f"The file has {len(data):,} rows; at most {max_rows:,} can be imported at once."
        )
    return header, data, notes


# --- XLSX -----------------------------------------------------------------------------------------


def _check_zip(content: bytes) -> None:
    problem = xlsx_archive_problem(content, what="register")
    if problem:
        raise FileProblem(problem)


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


def _read_xlsx(content: bytes, max_rows: int, sheet: str | None = None, info: dict | None = None):
    from rapport.lib.workbook import SheetProblem, read_sheet

    _check_zip(content)
    try:
        read = read_sheet(
            content,
            sheet=sheet,
            preferred=(
                "register",
                "stakeholders",
                "stakeholder",
                "customers",
                "registro",
                "registre",
            ),
            max_rows=max_rows + 10,
            max_columns=MAX_COLUMNS,
        )
    except SheetProblem as problem:
        raise FileProblem(str(problem)) from None
    if info is not None:
        info["sheets"], info["sheet"] = read.sheets, read.title
    rows = [(number, [cell_text(v) for v in values]) for number, values in enumerate(read.rows, 1)]
    return _split_header(rows, max_rows, read.notes)


# --- writing --------------------------------------------------------------------------------------


def write_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a BOM (so Excel reads accents right), comma-separated, formulas neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([rules.neutralise(h) for h in header])
    for row in rows:
        writer.writerow([rules.neutralise(cell_text(v)) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def write_xlsx(header: list[str], rows: list[list], *, title: str = "Register") -> bytes:
    """One sheet, bold frozen header, text cells never formulas (neutralised and typed as text)."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    widths = [len(h) for h in header]
    for r, row in enumerate([header, *rows], start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                cell.value = value
            else:
                text = rules.neutralise(cell_text(value))
                text = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)  # XML-safe
                cell.value = text
                cell.data_type = "s"  # never a formula, whatever it starts with
            if r == 1:
                cell.font = Font(bold=True)
            widths[c - 1] = max(widths[c - 1], min(50, len(cell_text(value))))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(8, width + 2)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
