""" "How this estimate was developed": the page a PM hands to the sponsor, as a PDF.

One HTML template rendered by WeasyPrint, with the same figures and SVG charts as the page: the
basis of estimate per activity, the base and the separate contingency line, P50/P80/P90, the
sponsor's target and its probability, what it would take, how the estimate changed (each version
with who, when and why), and the version and seed that repeat it.

A long estimate is summarised: the basis of estimate shows the activities that matter most and
the whole table, one row per activity, is attached to the PDF as a spreadsheet. A sponsor does
not read 90 pages of activities, and laying them out took WeasyPrint most of its 6 s.
"""

import logging
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from rapport.lib.images import svg_data_uri

from . import selectors
from .explanation_xlsx import explanation_xlsx
from .report import percent, run_report

# versions listed in the PDF, newest first; older ones are on the versions page
HISTORY_SHOWN = 30
# up to this many activities, the PDF gives the basis of every one; above, the BASIS_SHOWN that
# matter most, and the full table goes into the attached spreadsheet
BASIS_IN_FULL_UP_TO = 60
BASIS_SHOWN = 20

# WeasyPrint reports each layout step at INFO: a dozen log lines per PDF, with nothing to act on
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Importance:
    """Where an activity stands in the latest simulation (all None without one)."""

    rank: int | None = None  # 1 = matters most
    critical: float | None = None  # share of runs on the critical path
    duration: float | None = None  # rank correlation with the finish
    cost: float | None = None  # rank correlation with the total cost

    @property
    def critical_text(self) -> str:
        return percent(self.critical or 0.0)


def rank_activities(rows: list, run) -> list:
    """``rows`` ordered by how much they matter to the outcome, each with ``importance`` set:
    the activities most often on the critical path first, ties broken by how strongly they drive
    the spread (the simulation's sensitivity order). Activities the run left out follow, in plan
    order; without a run, the plan order is kept."""
    result = run.result if run else {}
    frequency = result.get("critical_frequency", {})
    sensitivity = {str(s["id"]): (i, s) for i, s in enumerate(result.get("sensitivity", []))}
    ranked, unranked = [], []
    for a in rows:
        found = sensitivity.get(str(a.pk))
        (ranked if found else unranked).append(a)
    ranked.sort(key=lambda a: (-(frequency.get(str(a.pk)) or 0.0), sensitivity[str(a.pk)][0]))
    for rank, a in enumerate(ranked, start=1):
        s = sensitivity[str(a.pk)][1]
        a.importance = Importance(rank, frequency.get(str(a.pk)), s["duration"], s["cost"])
    for a in unranked:
        a.importance = Importance()
    return ranked + unranked


def explanation_context(project, *, user=None) -> dict:
    history = selectors.versions_with_echoes(project)
    run = selectors.run_latest(project)
    rows = selectors.activity_rows(project)
    report = run_report(project, run) if run else None
    summarised = len(rows) > BASIS_IN_FULL_UP_TO
    if summarised:
        rows = rank_activities(rows, run)
    basis = rows[:BASIS_SHOWN] if summarised else rows
    return {
        "project": project,
        "rows": rows,
        # the basis of estimate in the PDF; the others are in the attached spreadsheet
        "basis": basis,
        "basis_left_out": len(rows) - len(basis),
        "basis_ranked": summarised and run is not None,
        "xlsx_name": xlsx_filename(project),
        "estimated": [a for a in rows if a.estimate_or_none is not None],
        "constraint": selectors.constraint_get(project),
        "run": run,
        "report": report,
        # as images: WeasyPrint draws an SVG image itself, without reading its styles as HTML CSS
        "charts": {
            name: svg_data_uri(svg) for name, svg in (report.charts.items() if report else ())
        },
        "current": history[0] if history else None,
        # how the estimate got here: every change with who, when and why
        "history": history[:HISTORY_SHOWN],
        "history_left_out": max(len(history) - HISTORY_SHOWN, 0),
        "generated_at": timezone.now(),
        "generated_by": user.display_name if getattr(user, "is_authenticated", False) else "",
    }


def explanation_html(project, *, user=None) -> str:
    return render_to_string(
        "estimates/explanation_pdf.html", explanation_context(project, user=user)
    )


def explanation_pdf(project, *, user=None) -> bytes:
    """The PDF; a summarised one carries the full basis of estimate as an XLSX attachment."""
    from weasyprint import HTML, Attachment

    context = explanation_context(project, user=user)
    html = render_to_string("estimates/explanation_pdf.html", context)
    attachments = []
    if context["basis_left_out"]:
        shown = {a.pk for a in context["basis"]}
        attachments.append(
            Attachment(
                string=explanation_xlsx(project, context["rows"], shown=shown),
                name=context["xlsx_name"],
                description="Basis of estimate, one row per activity",
            )
        )
    return HTML(string=html).write_pdf(attachments=attachments)


def pdf_filename(project) -> str:
    return f"{project.code}-how-this-estimate-was-developed.pdf"


def xlsx_filename(project) -> str:
    return f"{project.code}-how-this-estimate-was-developed.xlsx"
