""" "How this estimate was developed": the page a PM hands to the sponsor, as a PDF.

One HTML template rendered by WeasyPrint, with the same figures and SVG charts as the page: the
basis of estimate per activity, the base and the separate contingency line, P50/P80/P90, the
sponsor's target and its probability, what it would take, how the estimate changed (each version
with who, when and why), and the version and seed that repeat it.
"""

import logging

from django.template.loader import render_to_string
from django.utils import timezone

from rapport.lib.images import svg_data_uri

from . import selectors
from .report import run_report

# versions listed in the PDF, newest first; older ones are on the versions page
HISTORY_SHOWN = 30

# WeasyPrint reports each layout step at INFO: a dozen log lines per PDF, with nothing to act on
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def explanation_context(project, *, user=None) -> dict:
    history = selectors.versions_with_echoes(project)
    run = selectors.run_latest(project)
    rows = selectors.activity_rows(project)
    report = run_report(project, run) if run else None
    return {
        "project": project,
        "rows": rows,
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
    from weasyprint import HTML

    return HTML(string=explanation_html(project, user=user)).write_pdf()


def pdf_filename(project) -> str:
    return f"{project.code}-how-this-estimate-was-developed.pdf"
