"""Tailored reports: one published status update, rendered for each communication type and each
recipient, as an HTML e-mail with a plain-text part, as a PDF (WeasyPrint), and in the portal.

- simple: short, plain language, fits a phone screen — the colour, what was done, what is next,
  what we need from *you*, and what changed for *you*;
- detailed: everything — dimensions, every activity with its dates, predecessors and three-point
  estimate, RAID (risks, the estimates' assumptions, issues as obstacles, decisions), the latest
  simulation's P50/P80/P90 and contingency, the evidence signals;
- dashboard: the charts (progress over time, milestone trend, colour history, budget burn) and
  the figures behind them — SVG on the web, in the PDF, and PNG inside the HTML e-mail;
- custom: the simple report opened by the PM's own paragraph.

Loading is split from rendering: :func:`report_data` reads a project's data once (a fixed number
of queries), then :func:`render_report` renders it for any number of recipients without touching
the database. Charts are drawn once per report data and reused for every recipient.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.formats import date_format

from rapport.lib.images import svg_data_uri
from rapport.stakeholders.models import ProjectStakeholder
from rapport.status.models import EvidenceSnapshot, Risk, StatusUpdate

from . import charts
from .models import CommType

CHART_CACHE_SECONDS = 24 * 60 * 60  # keyed by the figures drawn: never stale, only unused

# WeasyPrint logs every layout step at INFO; a delivery run every minute would fill the logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

TYPE_TEMPLATES = {
    CommType.SIMPLE: "simple",
    CommType.DETAILED: "detailed",
    CommType.DASHBOARD: "dashboard",
    CommType.CUSTOM: "simple",
}
MEDIA = ("email", "pdf", "web")
CHART_NAMES = ("progress", "milestones", "colours", "budget")


def chart_cid(name: str) -> str:
    """The Content-ID of a dashboard chart inside the e-mail (multipart/related)."""
    return f"chart-{name}@rapport"


@dataclass
class Recipient:
    """Whom a report is for: a party id and name (the register's party, or a preview's)."""

    id: int | None
    name: str


@dataclass
class ReportData:
    """Everything a project's reports show for one status update, loaded once."""

    project: object
    update: StatusUpdate
    obstacles: list[dict]
    decisions: list[dict]
    activities: list[dict] = field(default_factory=list)
    risks: list[dict] = field(default_factory=list)
    evidence: dict | None = None
    snapshots: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    # The status before this one (colour and period): what changed for a first-time reader.
    previous: dict | None = None
    assumptions: list[dict] = field(default_factory=list)
    estimate: dict | None = None
    # The project's stakeholders, for the detailed report's power/interest grid and engagement.
    stakeholders: list = field(default_factory=list)
    # Outcomes with a benefit forecast (stakeholders.selectors.benefit_record), for "Expected
    # benefits": guidance stated up front and, once measured, whether it was met.
    benefits: list[dict] = field(default_factory=list)

    def _draw(self, fmt: str) -> dict:
        """The four dashboard charts in `fmt`, drawn once for the same figures: every recipient
        of an update (each delivery loads its own report data) reuses the first drawing from the
        cache, so a morning of reports draws each update's charts once per worker process."""
        inputs = {
            "progress": (
                [(h["day"], h["progress"]) for h in self.history],
                [
                    (s["day"], s["progress"] * 100)
                    for s in self.snapshots
                    if s["progress"] is not None
                ],
            ),
            "milestones": (
                [
                    (s["day"], s["worst_slip_days"])
                    for s in self.snapshots
                    if s["worst_slip_days"] is not None
                ],
            ),
            "colours": ([(s["day"], s["reported"], s["evidence"]) for s in self.snapshots],),
            "budget": (
                [
                    (h["day"], h["spent_pct"], h["progress"])
                    for h in self.history
                    if h["spent_pct"] is not None
                ],
            ),
        }
        key = f"report-charts:{fmt}:" + hashlib.sha256(repr(inputs).encode()).hexdigest()
        drawn = cache.get(key)
        if drawn is None:
            draw = {
                "progress": charts.progress_chart,
                "milestones": charts.milestone_chart,
                "colours": charts.colour_chart,
                "budget": charts.budget_chart,
            }
            drawn = {name: draw[name](*args, fmt=fmt) for name, args in inputs.items()}
            cache.set(key, drawn, CHART_CACHE_SECONDS)
        return drawn

    @cached_property
    def charts(self) -> dict[str, str]:
        """SVG markup of the four dashboard charts (drawn on first use, then reused)."""
        return self._draw("svg")

    @cached_property
    def chart_pngs(self) -> dict[str, bytes]:
        """The charts as PNG, for the HTML e-mail: mail clients do not show SVG."""
        return self._draw("png")

    @property
    def customers_assessed(self) -> bool:
        """Whether any stakeholder has power/interest or engagement to picture (drawing nothing)."""
        return any(s.power or s.engagement_now or s.engagement_needed for s in self.stakeholders)

    @property
    def assessed_stakeholders(self) -> list:
        """The stakeholders the pictures show, by name: the table beside them gives each one's
        exact scores, readable where a dot is not (a phone, a printout, a screen reader)."""
        return sorted(
            (s for s in self.stakeholders if s.power or s.engagement_now or s.engagement_needed),
            key=lambda s: s.party.name.lower(),
        )

    @cached_property
    def customer_pictures(self) -> dict[str, str]:
        """SVG of the power/interest grid and the engagement matrix (the Customers page's own
        pictures), for the detailed report; empty when nobody has been assessed yet."""
        from rapport.stakeholders import charts as customer_charts

        if not self.customers_assessed:
            return {}
        return {
            "grid": customer_charts.power_interest_svg(self.stakeholders, prefix="rpi"),
            "engagement": customer_charts.engagement_svg(self.stakeholders, prefix="rem"),
        }

    @cached_property
    def customer_picture_images(self) -> dict[str, str]:
        """The same pictures as data: URIs, for <img> in the PDF."""
        return {name: svg_data_uri(svg) for name, svg in self.customer_pictures.items()}

    @cached_property
    def chart_images(self) -> dict[str, str]:
        """The charts as data: URIs, for <img> in the PDF (WeasyPrint draws SVG images)."""
        return {name: svg_data_uri(svg) for name, svg in self.charts.items()}


def report_data(
    update: StatusUpdate, *, detailed: bool = True, dashboard: bool = True
) -> ReportData:
    """Read what the reports of this update show. ``detailed``/``dashboard`` load those parts."""
    project = update.project
    # Loaded now, so rendering for each recipient needs no query at all.
    _ = (project.org, update.author, update.supersedes_id)
    obstacles = [
        {
            "text": o.text,
            "impact": o.impact,
            "customer_ids": {c.pk for c in o.customers.all()},
            "customers": [c.name for c in o.customers.all()],
        }
        for o in update.obstacles.all().prefetch_related("customers")
    ]
    decisions = [
        {
            "text": d.text,
            "needed_from_id": d.needed_from_id,
            "needed_from": d.needed_from.name if d.needed_from else "",
            "needed_by": d.needed_by,
        }
        for d in update.decisions.all().select_related("needed_from")
    ]
    data = ReportData(project=project, update=update, obstacles=obstacles, decisions=decisions)
    data.previous = (
        StatusUpdate.objects.current()
        .filter(project=project, period_end__lt=update.period_end)
        .order_by("-period_end", "-pk")
        .values("overall", "period_start", "period_end")
        .first()
    )
    if detailed or dashboard:
        snaps = list(
            EvidenceSnapshot.objects.filter(project=project, taken_at__lte=_published(update))
            .order_by("-taken_at", "-pk")
            .values(
                "taken_at",
                "reported",
                "evidence",
                "progress",
                "spent_share",
                "worst_slip_days",
                "report",
                "watermelon",
                "watermelon_message",
            )[:30]
        )[::-1]
        data.snapshots = [{**s, "day": s["taken_at"].date()} for s in snaps]
        data.evidence = snaps[-1] if snaps else None
    if detailed:
        data.activities = _activities(project)
        data.assumptions = [
            {"activity": a["name"], "text": a["estimate"]["assumptions"]}
            for a in data.activities
            if a["estimate"] and a["estimate"]["assumptions"].strip()
        ]
        data.estimate = _estimate_summary(project)
        data.stakeholders = list(
            ProjectStakeholder.objects.filter(project=project).select_related("party")
        )
        data.benefits = _benefits(project)
        data.risks = [
            {
                "title": r.title,
                "severity": r.severity,
                "probability": r.get_probability_display(),
                "impact": r.get_impact_display(),
                "mitigation": r.mitigation,
                "owner": r.owner,
            }
            for r in Risk.objects.filter(project=project).open()
        ]
        data.risks.sort(key=lambda r: {"high": 0, "medium": 1, "low": 2}[r["severity"]])
    if dashboard:
        updates = list(
            StatusUpdate.objects.current()
            .filter(project=project, period_end__lte=update.period_end)
            .order_by("-period_end", "-pk")
            .values("period_end", "overall", "progress", "spent")[:26]
        )[::-1]
        budget = float(project.budget) if project.budget else None
        data.history = [
            {
                "day": u["period_end"],
                "overall": u["overall"],
                "progress": u["progress"],
                "spent_pct": round(float(u["spent"]) / budget * 100, 1)
                if budget and u["spent"] is not None
                else None,
            }
            for u in updates
        ]
    return data


def _published(update: StatusUpdate):
    from django.utils import timezone

    return update.published_at or timezone.now()


def _activities(project) -> list[dict]:
    from rapport.raci.models import Activity

    rows = list(
        Activity.objects.filter(project=project)
        .select_related("phase")
        .order_by("phase__position", "position", "pk")
        .values(
            "id",
            "name",
            "kind",
            "status",
            "phase__name",
            "planned_start",
            "planned_finish",
            "baseline_finish",
            "actual_finish",
        )
    )
    estimates = {}
    try:
        from rapport.estimates.models import ActivityEstimate, Dependency
    except ImportError:  # estimates not installed: the column says so
        ActivityEstimate = Dependency = None
    if ActivityEstimate is not None:
        for e in ActivityEstimate.objects.filter(project=project).values(
            "activity_id",
            "duration_optimistic",
            "duration_most_likely",
            "duration_pessimistic",
            "cost_optimistic",
            "cost_most_likely",
            "cost_pessimistic",
            "assumptions",
        ):
            estimates[e["activity_id"]] = e
    predecessors: dict[int, list[str]] = {}
    if Dependency is not None:
        for successor, name in (
            Dependency.objects.filter(project=project)
            .order_by("successor_id", "predecessor__name")
            .values_list("successor_id", "predecessor__name")
        ):
            predecessors.setdefault(successor, []).append(name)
    for row in rows:
        finish, baseline = row["actual_finish"] or row["planned_finish"], row["baseline_finish"]
        row["slip"] = (finish - baseline).days if finish and baseline else None
        row["estimate"] = estimates.get(row["id"])
        row["after"] = predecessors.get(row["id"], [])
        row["status_label"] = row["status"].replace("_", " ")
    return rows


def _benefits(project) -> list[dict]:
    """Each outcome's expected benefit (two queries), critical success factors first."""
    from rapport.stakeholders.models import Outcome
    from rapport.stakeholders.selectors import benefit_record

    rows = []
    for outcome in Outcome.objects.filter(
        project=project, benefit_p50__isnull=False
    ).prefetch_related("measurements"):
        record = benefit_record(outcome)
        if record is not None:
            rows.append(
                {
                    "title": outcome.title,
                    "metric": outcome.metric,
                    "unit": outcome.unit,
                    "due_date": outcome.due_date,
                    **record,
                }
            )
    return rows


def _estimate_summary(project) -> dict | None:
    """The latest saved Monte Carlo run: P50/P80/P90 finish and cost and the open contingency."""
    try:
        from rapport.estimates.models import SimulationRun
    except ImportError:
        return None
    run = (
        SimulationRun.objects.filter(project=project)
        .order_by("-created_at", "-pk")
        .values("created_at", "iterations", "confidence", "result")
        .first()
    )
    if run is None or not isinstance(run["result"], dict):
        return None
    result = run["result"]
    levels = [
        {"label": label.upper(), **result[label]}
        for label in ("p50", "p80", "p90")
        if isinstance(result.get(label), dict)
    ]
    if not levels:
        return None
    return {
        "levels": levels,
        "contingency": result.get("contingency"),
        "confidence": f"P{round(run['confidence'] * 100)}",
        "iterations": run["iterations"],
        "as_of": run["created_at"],
    }


# --- rendering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedReport:
    subject: str
    html: str
    text: str


def _for_you(data: ReportData, recipient: Recipient, previous_colour: str | None) -> dict:
    """What concerns this recipient: obstacles that touch them, decisions we need from them, and
    how the colour moved since the last report they got."""
    update = data.update
    obstacles = [
        o for o in data.obstacles if recipient.id is not None and recipient.id in o["customer_ids"]
    ]
    decisions = [
        d
        for d in data.decisions
        if recipient.id is not None and d["needed_from_id"] == recipient.id
    ]
    changes = []
    if previous_colour:
        if previous_colour != update.overall:
            changes.append(
                f"The overall status moved from {previous_colour} to {update.overall} since your last report."
            )
    elif data.previous and data.previous["overall"] != update.overall:
        # Their first report: the change since the status before this one still concerns them.
        changes.append(
            f"The overall status moved from {data.previous['overall']} to {update.overall} since "
            f"the previous status ({date_format(data.previous['period_start'], 'MONTH_DAY_FORMAT')} – "
            f"{date_format(data.previous['period_end'], 'MONTH_DAY_FORMAT')})."
        )
    if update.supersedes_id:
        changes.append(
            f"This is a corrected version (v{update.version}): {update.correction_reason}"
        )
    for obstacle in obstacles:
        changes.append(
            f"{obstacle['text']}" + (f" — {obstacle['impact']}" if obstacle["impact"] else "")
        )
    return {"obstacles": obstacles, "decisions": decisions, "changes": changes}


def report_context(
    data: ReportData,
    *,
    recipient: Recipient,
    comm_type: str,
    medium: str,
    previous_colour: str | None = None,
    custom_intro: str = "",
    portal_url: str = "",
) -> dict:
    if medium not in MEDIA:
        raise ValueError(f"medium must be one of {', '.join(MEDIA)}")
    update = data.update
    return {
        "project": data.project,
        "update": update,
        "data": data,
        "recipient": recipient,
        "comm_type": comm_type,
        "type_label": CommType(comm_type).label,
        "fragment": f"comms/reports/_{TYPE_TEMPLATES[comm_type]}.html",
        "text_fragment": f"comms/reports/_{TYPE_TEMPLATES[comm_type]}.txt",
        "medium": medium,
        "custom_intro": custom_intro if comm_type == CommType.CUSTOM else "",
        "you": _for_you(data, recipient, previous_colour),
        "portal_url": portal_url,
        "site_url": settings.SITE_URL,
        "charts": data.charts if comm_type == CommType.DASHBOARD and medium == "web" else None,
        "chart_images": data.chart_images
        if comm_type == CommType.DASHBOARD and medium == "pdf"
        else None,
        "chart_cids": {name: f"cid:{chart_cid(name)}" for name in CHART_NAMES}
        if comm_type == CommType.DASHBOARD and medium == "email"
        else None,
        # Mail clients show no SVG: the e-mail points to the attached PDF for these pictures.
        "customer_pictures": data.customer_pictures
        if comm_type == CommType.DETAILED and medium == "web"
        else None,
        "customer_picture_images": data.customer_picture_images
        if comm_type == CommType.DETAILED and medium == "pdf"
        else None,
        "period": f"{date_format(update.period_start, 'MONTH_DAY_FORMAT')} – {date_format(update.period_end)}",
        "report_css": report_css(),
    }


def subject_for(data: ReportData, comm_type: str) -> str:
    update = data.update
    version = f" (corrected v{update.version})" if update.supersedes_id else ""
    # Plain ASCII: an encoded Subject header folds oddly in some clients.
    return (
        f"[{data.project.code}] {CommType(comm_type).label}: {update.overall.upper()} - "
        f"{date_format(update.period_start, 'MONTH_DAY_FORMAT')} to {date_format(update.period_end)}{version}"
    )


def render_report(
    data: ReportData,
    *,
    recipient: Recipient,
    comm_type: str,
    medium: str = "email",
    previous_colour: str | None = None,
    custom_intro: str = "",
    portal_url: str = "",
) -> RenderedReport:
    """The report as a whole HTML document (e-mail or print) and as plain text."""
    context = report_context(
        data,
        recipient=recipient,
        comm_type=comm_type,
        medium=medium,
        previous_colour=previous_colour,
        custom_intro=custom_intro,
        portal_url=portal_url,
    )
    html = render_to_string("comms/reports/document.html", context)
    text = render_to_string("comms/reports/document.txt", context)
    return RenderedReport(subject=subject_for(data, comm_type), html=html, text=_tidy(text))


def render_fragment(
    data: ReportData, *, recipient: Recipient, comm_type: str, embedded: bool = False, **kwargs
) -> str:
    """The report's article alone, for a page (portal, preview, status page): charts inline.
    ``embedded``: the page has its own h1, so the report's title is an h2."""
    from django.utils.safestring import mark_safe

    context = report_context(data, recipient=recipient, comm_type=comm_type, medium="web", **kwargs)
    context["title_level"] = 2 if embedded else 1
    return mark_safe(render_to_string(context["fragment"], context))


_fonts = threading.local()


def font_config():
    """One WeasyPrint font configuration per thread, kept: building it looks up the system's
    fonts again for every PDF (measured ~3× slower for a one-page report)."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


def render_pdf(data: ReportData, *, recipient: Recipient, comm_type: str, **kwargs) -> bytes:
    """The report as a PDF (WeasyPrint), charts included for the dashboard."""
    from weasyprint import HTML

    html = render_report(
        data, recipient=recipient, comm_type=comm_type, medium="pdf", **kwargs
    ).html
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf(font_config=font_config())


def _tidy(text: str) -> str:
    """Template whitespace out of the text part: no runs of blank lines, no trailing spaces."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"


@functools.cache
def report_css() -> str:
    """The report stylesheet, inlined into e-mails and PDFs (no external requests there)."""
    return (Path(__file__).parent / "static" / "comms" / "report.css").read_text()


def pdf_filename(data: ReportData, comm_type: str) -> str:
    return f"{data.project.code}-{comm_type}-{data.update.period_end:%Y-%m-%d}-v{data.update.version}.pdf"


def today_in(project) -> date:
    from rapport.status.selectors import project_today

    return project_today(project)
