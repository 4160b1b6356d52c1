"""The full basis of estimate, one row per activity, as the XLSX attached to the sponsor's PDF.

A long estimate's PDF shows only the activities that matter most (see pdf.py); this spreadsheet
holds every activity, in the same order, so nothing is hidden from the sponsor.
"""

from __future__ import annotations

import io

HEADER = [
    ("Rank", 6),
    ("Activity", None),  # sized to the longest name
    ("Phase", 18),
    ("Shown in the PDF", 10),
    ("Duration optimistic (working days)", 12),
    ("Duration most likely (working days)", 12),
    ("Duration pessimistic (working days)", 12),
    ("Cost optimistic", 14),
    ("Cost most likely", 14),
    ("Cost pessimistic", 14),
    ("On the critical path (share of runs)", 12),
    ("Drives the finish (rank correlation)", 12),
    ("Drives the cost (rank correlation)", 12),
    ("Method", 16),
    ("Source", 30),
    ("Estimated by", 18),
    ("Assumptions", 40),
    ("Depends on", 40),
]
NAME_WIDTH = (16, 50)  # the Activity column: at least, at most


def explanation_xlsx(project, rows: list, *, shown: set[int]) -> bytes:
    """Every activity of ``rows`` (Activity objects from ``selectors.activity_rows``, each with
    ``importance`` set by ``pdf.rank_activities``), in that order; ``shown`` are the pks of the
    activities the PDF shows."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Basis of estimate")
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
    days = workbook.add_format({"num_format": "0.00"})
    money = workbook.add_format({"num_format": "#,##0.00"})
    share = workbook.add_format({"num_format": "0%"})
    correlation = workbook.add_format({"num_format": "0.00"})
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})

    titles = [title for title, _ in HEADER]
    titles[7:10] = [f"{t} ({project.currency})" for t in titles[7:10]]
    sheet.write_row(0, 0, titles, header)
    sheet.set_row(0, 45)
    sheet.freeze_panes(1, 2)  # the header and the activity's name stay in view
    longest = max((len(a.name) for a in rows), default=0) + 2
    for col, (_, width) in enumerate(HEADER):
        sheet.set_column(col, col, width or min(max(longest, NAME_WIDTH[0]), NAME_WIDTH[1]))

    for r, a in enumerate(rows, start=1):
        e = a.estimate_or_none
        seen = a.importance
        if seen.rank:
            sheet.write_number(r, 0, seen.rank)
        sheet.write_string(r, 1, a.name + (" (cancelled, left out)" if a.is_excluded else ""))
        sheet.write_string(r, 2, a.phase.name if a.phase_id else "")
        sheet.write_string(r, 3, "yes" if a.pk in shown else "no")
        if e is not None:
            for col, value in enumerate(e.duration, start=4):
                sheet.write_number(r, col, float(value), days)
            for col, value in enumerate(e.cost, start=7):
                sheet.write_number(r, col, float(value), money)
        for col, value, fmt in (
            (10, seen.critical, share),
            (11, seen.duration, correlation),
            (12, seen.cost, correlation),
        ):
            if value is not None:
                sheet.write_number(r, col, value, fmt)
        if e is not None:
            sheet.write_string(r, 13, e.get_method_display())
            sheet.write_string(r, 14, e.source)
            sheet.write_string(r, 15, e.estimated_by.display_name if e.estimated_by else "")
            sheet.write_string(r, 16, e.assumptions, wrapped)
        else:
            sheet.write_string(r, 13, "Not estimated")
        sheet.write_string(r, 17, ", ".join(p.name for p in a.predecessors))
    sheet.autofilter(0, 0, max(len(rows), 1), len(HEADER) - 1)
    workbook.close()
    return buffer.getvalue()
