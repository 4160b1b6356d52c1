"""Benchmark: exporting a 1,000 x 200 RACI (20,000 letters) as XLSX, and previewing it on import.

Run from the repository root:

    RAPPORT_ENV=test .venv/bin/python bench/bench_xlsx_export.py

Issue 12 asks for the export in under 1 s and the import preview in under 2 s. Both writers are
timed on the same header and rows, each with what the export must keep (bold header, frozen
panes at C2, coloured letters, the conditional format, the R/A/C/I drop-down):

- xlsxwriter (rapport.raci.spreadsheets.write_xlsx) in its default mode, which the export uses,
  and in constant-memory mode; the file of each is also read back as the import preview reads it,
  since constant-memory mode writes the text into every cell instead of a shared-strings table;
- openpyxl's write-only mode, which the export used before, with whichever XML library openpyxl
  finds (lxml is not a dependency: to time openpyxl with lxml, install lxml somewhere apart,
  ``pip install --target /tmp/lxml lxml``, and run with ``PYTHONPATH=/tmp/lxml``).

It prints the median of a few runs for each, the choice, then the whole export (matrix load
included) and the import preview of the exported file. Figures only, no assertion on time.
"""

from __future__ import annotations

import io
import sys
import tempfile
from copy import copy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_raci_matrix, run as a script

from bench_raci_matrix import ACTIVITIES, LETTERS, PARTIES, build, setup_django, timed  # noqa: E402

RUNS = 5
EXPORT_TARGET, PREVIEW_TARGET = 1.0, 2.0  # seconds, from issue 12


def openpyxl_write_only(header, rows, *, title, grid, label_columns=1) -> bytes:
    """The export as it was written with openpyxl (write-only mode, styled template cells)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from rapport.raci.spreadsheets import LETTER_COLOURS, safe_text

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "RACI")
    first_letter_column = get_column_letter(label_columns + 1)
    sheet.freeze_panes = f"{first_letter_column}2"
    width = max(len(header), 1)
    bold = Font(bold=True)
    fills = {letter: PatternFill("solid", fgColor=f) for letter, (f, _) in LETTER_COLOURS.items()}
    fonts = {letter: Font(bold=True, color=i) for letter, (_, i) in LETTER_COLOURS.items()}
    centred = Alignment(horizontal="center")
    names = [len(str(row[0])) for row in rows[:2000] if row]
    sheet.column_dimensions["A"].width = min(60, max([12, *names]) + 2)
    for index in range(2, label_columns + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 20
    for index in range(label_columns + 1, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 6 if grid else 30
    if grid and width > label_columns and rows:
        cells = f"{first_letter_column}2:{get_column_letter(width)}{len(rows) + 1}"
        validation = DataValidation(
            type="list", formula1='"R,A,C,I"', allow_blank=True, errorStyle="warning"
        )
        validation.add(cells)
        sheet.data_validations.append(validation)
        for letter in ("R", "A", "C", "I"):
            sheet.conditional_formatting.add(
                cells,
                CellIsRule(
                    operator="equal",
                    formula=[f'"{letter}"'],
                    fill=fills[letter],
                    font=fonts[letter],
                ),
            )
    header_cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=safe_text(value))
        cell.data_type, cell.font = "s", bold
        if grid and len(header_cells) >= label_columns:
            cell.alignment = Alignment(text_rotation=90, horizontal="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    templates = {}
    for letter in fills:
        template = WriteOnlyCell(sheet, value=letter)
        template.fill, template.font, template.alignment = fills[letter], fonts[letter], centred
        templates[letter] = template._style
    plain = WriteOnlyCell(sheet, value="")
    plain.alignment = centred
    name = WriteOnlyCell(sheet, value="")
    name.font = bold
    for row in rows:
        out = []
        for index, value in enumerate(row):
            text = safe_text(value)
            if not text:
                out.append(None)
                continue
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            if index == 0:
                cell._style = copy(name._style)
            elif grid and index >= label_columns:
                cell._style = copy(templates.get(text[0], plain._style))
            out.append(cell)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        import openpyxl.xml

        from rapport.accounts import services as accounts
        from rapport.projects import services as projects
        from rapport.raci import importing, selectors, spreadsheets

        owner = accounts.user_create(
            email="bench@example.com", password="bench-password-123", full_name="Bench"
        )
        org = accounts.org_create(actor=owner, slug="bench", name="Bench Ltd")
        project = projects.project_create(actor=owner, org=org, code="BIG", name="Big rollout")
        build(project)
        matrix = selectors.matrix_get(project)
        header, rows = importing.export_table(project, "grid", matrix)
        print(
            f"{ACTIVITIES:,} activities x {PARTIES} parties, {LETTERS:,} letters; "
            f"median of {RUNS} runs"
        )

        options = {"title": "RACI", "grid": True, "label_columns": 2}
        xml = "lxml" if openpyxl.xml.LXML else "the standard library (no lxml)"
        write = spreadsheets.write_xlsx
        candidates = {
            "xlsxwriter, default mode": lambda: write(header, rows, **options),
            "xlsxwriter, constant memory": lambda: write(
                header, rows, **options, constant_memory=True
            ),
            f"openpyxl write-only, {xml}": lambda: openpyxl_write_only(header, rows, **options),
        }
        print(f"  {'writer':44} {'write':>8} {'read back':>10}  size")
        figures = {}
        for label, writer in candidates.items():
            written, content = timed(writer, runs=RUNS)
            read, _ = timed(
                lambda c=content: spreadsheets.read_rows(c, max_bytes=len(c) + 1), runs=RUNS
            )
            figures[label] = written, read
            print(
                f"  {label:44} {written * 1000:5.0f} ms {read * 1000:7.0f} ms  "
                f"{len(content) // 1024} KB"
            )
        fastest = min(figures, key=lambda label: figures[label][0])
        first_read = min(figures, key=lambda label: figures[label][1])
        print(f"  fastest to write: {fastest}; fastest to read back: {first_read}")
        print("  the export uses: xlsxwriter, default mode")

        seconds, (xlsx, _, _) = timed(
            lambda: importing.export_file(project, fmt="xlsx", layout="grid"), runs=RUNS
        )
        verdict = "under" if seconds < EXPORT_TARGET else "OVER"
        print(
            f"whole export, grid (matrix load included) {seconds * 1000:7.0f} ms  "
            f"({verdict} the {EXPORT_TARGET:.0f} s target)"
        )
        seconds, _ = timed(
            lambda: importing.export_file(project, fmt="xlsx", layout="list"), runs=RUNS
        )
        print(f"whole export, list                        {seconds * 1000:7.0f} ms")

        seconds, plan = timed(lambda: importing.plan_import(project=project, content=xlsx), runs=3)
        verdict = "under" if seconds < PREVIEW_TARGET else "OVER"
        print(
            f"import preview of that file               {seconds * 1000:7.0f} ms  "
            f"({verdict} the {PREVIEW_TARGET:.0f} s target; {plan.summary()['letters']:,} "
            f"letters, {len(plan.problems)} problems)"
        )


if __name__ == "__main__":
    main()
