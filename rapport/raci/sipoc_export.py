"""A SIPOC + Outcome as an XLSX workbook: the six columns side by side, the links, the findings."""

from __future__ import annotations

import io

from .spreadsheets import safe_text

COLUMNS = ("Suppliers", "Inputs", "Process", "Outputs", "Outcomes", "Customers")


def _with_kind(item) -> str:
    """'Order form [information]': the name, and its type when one is given."""
    return f"{item.name} [{item.get_kind_display().lower()}]" if item.kind else item.name


def sipoc_columns(view) -> list[list[str]]:
    """The text of each of the six columns, top to bottom."""
    return [
        [s.party.name for s in view.suppliers],
        [
            _with_kind(i) + (f" (from {i.supplier.party.name})" if i.supplier else "")
            for i in view.inputs
        ],
        [f"{n}. {s.name}" for n, s in enumerate(view.steps, start=1)],
        [_with_kind(o) for o in view.outputs],
        [o.title for o in view.outcomes],
        [c.party.name for c in view.customers],
    ]


def sipoc_xlsx(view) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "SIPOC"
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DCE6F2")
    outcome_fill = PatternFill("solid", fgColor="FFF2CC")

    def put(ws, row, column, value, *, font=None, fill=None):
        cell = ws.cell(row=row, column=column, value=safe_text(value))
        cell.data_type = "s"  # never a formula
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        return cell

    put(sheet, 1, 1, f"SIPOC + Outcome: {view.process.name}", font=Font(bold=True, size=14))
    if view.process.description:
        put(sheet, 2, 1, view.process.description)
    columns = sipoc_columns(view)
    for index, title in enumerate(COLUMNS, start=1):
        put(
            sheet,
            4,
            index,
            title,
            font=bold,
            fill=outcome_fill if title == "Outcomes" else head_fill,
        )
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = 32
        for offset, text in enumerate(columns[index - 1], start=5):
            put(sheet, offset, index, text, fill=outcome_fill if title == "Outcomes" else None)
    sheet.freeze_panes = "A5"

    links = workbook.create_sheet("Links")
    put(links, 1, 1, "Output", font=bold, fill=head_fill)
    put(links, 1, 2, "Produces outcomes", font=bold, fill=head_fill)
    row = 2
    for output in view.outputs:
        put(links, row, 1, output.name)
        put(links, row, 2, "; ".join(o.title for o in view.outcomes_of_output(output)))
        row += 1
    row += 1
    put(links, row, 1, "Customer", font=bold, fill=head_fill)
    put(links, row, 2, "Wants outcomes", font=bold, fill=head_fill)
    for customer in view.customers:
        row += 1
        put(links, row, 1, customer.party.name)
        put(links, row, 2, "; ".join(o.title for o in view.outcomes_of_customer(customer)))
    links.column_dimensions["A"].width = 40
    links.column_dimensions["B"].width = 80

    found = workbook.create_sheet("Findings")
    for index, title in enumerate(("Code", "Severity", "Message"), start=1):
        put(found, 1, index, title, font=bold, fill=head_fill)
    for row, finding in enumerate(view.findings, start=2):
        put(found, row, 1, finding.code)
        put(found, row, 2, finding.severity)
        put(found, row, 3, finding.message)
    found.column_dimensions["A"].width = 26
    found.column_dimensions["C"].width = 100

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
