"""Reads for honest status: the evidence gathered from the data, a project's health, status history
and the organisation board. Pages, the API, the CLI and the reports share these.

Where each signal's evidence comes from (rules.py documents the thresholds):

- milestones slipped: RACI milestones with a baseline finish; the slip is the actual finish (done),
  else the planned finish, and never earlier than today for an open milestone already past its
  planned date, minus the baseline. Not measured when no milestone has a baseline.
- overdue activities: open RACI activities whose planned finish is before today (project time
  zone). Not measured when the project has no activities at all.
- budget burn: "spent to date" of the current published status against the project budget;
  progress is the share of activities done (cancelled ones left out). Not measured without a
  budget, a spent figure or activities.
- RACI errors on open items: the RACI check's errors on open activities.
- open high risks: this app's risk register; not measured when no risk was ever recorded.
- commitments missed: the promises ledger (open promises past their promised date, promises
  closed as broken within the window of the health settings, and renegotiations agreed within it);
  not measured when the project has no promises.
- customer ratings falling: the 1–5 ratings recipients give reports in the portal, oldest first.
- reports unacknowledged: reports sent in the last ``ACK_WINDOW`` that have had ``ACK_GRACE`` to
  be read, and how many of them the recipient never acknowledged in the portal. Not measured
  when no such report was sent.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils import timezone

from rapport.projects.models import Project, ProjectState

from . import rules
from .models import EvidenceSnapshot, HealthConfig, Risk, StatusUpdate, UpdateState

OPEN_ACTIVITY = ("not_started", "in_progress")
ACK_WINDOW = timedelta(days=42)  # the reports the acknowledgement signal looks at ...
ACK_GRACE = timedelta(days=3)  # ... once their reader has had this long to open them
BOARD_HISTORY = 12  # snapshots shown per project on the board


def project_today(project, now: datetime | None = None) -> date:
    now = now or timezone.now()
    return now.astimezone(ZoneInfo(project.time_zone)).date()


def health_settings_of(config: HealthConfig | None) -> tuple[rules.HealthSettings, int]:
    """The project's HealthSettings and watermelon margin (defaults when it has no config)."""
    if config is None:
        return rules.HealthSettings(), 1
    known = {f.name for f in fields(rules.HealthSettings)}
    overrides = {k: v for k, v in (config.overrides or {}).items() if k in known}
    return rules.HealthSettings(**overrides), config.margin


def health_config_get(project) -> HealthConfig:
    return HealthConfig.objects.filter(project=project).first() or HealthConfig(project=project)


def status_current(project) -> StatusUpdate | None:
    """The project's status now: the latest published version nobody has corrected."""
    return (
        StatusUpdate.objects.current()
        .filter(project=project)
        .order_by("-period_end", "-published_at", "-pk")
        .first()
    )


def status_list(project):
    """Every status update of the project, newest period first, drafts included."""
    return (
        StatusUpdate.objects.filter(project=project)
        .select_related("author", "supersedes", "superseded_by")
        .order_by("-period_end", "-version", "-pk")
    )


def status_get(project, status_update_id) -> StatusUpdate:
    from django.http import Http404

    update = (
        StatusUpdate.objects.filter(project=project, pk=status_update_id)
        .select_related("author", "supersedes", "superseded_by", "project")
        .prefetch_related("obstacles__customers", "decisions__needed_from")
        .first()
    )
    if update is None:
        raise Http404("No such status update")
    update.project = project
    return update


def risk_list(project, *, open_only: bool = False):
    risks = Risk.objects.filter(project=project)
    return risks.open() if open_only else risks


def top_risks(project, limit: int = 3) -> list[dict]:
    """The open risks that matter most, as plain data (what a published status keeps)."""
    order = {"high": 0, "medium": 1, "low": 2}
    risks = sorted(
        Risk.objects.filter(project=project).open(),
        key=lambda r: (order[r.severity], order[r.probability], -r.pk),
    )[:limit]
    return [
        {
            "title": r.title,
            "severity": r.severity,
            "probability": r.probability,
            "impact": r.impact,
            "mitigation": r.mitigation,
            "owner": r.owner,
        }
        for r in risks
    ]


# --- evidence ---------------------------------------------------------------------------------


def _activity_evidence(project, today: date) -> dict:
    from rapport.raci.models import Activity

    rows = list(
        Activity.objects.filter(project=project).values(
            "id", "kind", "status", "planned_finish", "baseline_finish", "actual_finish"
        )
    )
    if not rows:
        return {
            "milestone_slip_days": None,
            "activities_open": None,
            "activities_overdue": None,
            "progress_share": None,
            "open_ids": set(),
        }
    slips = []
    for row in rows:
        if (
            row["kind"] != "milestone"
            or row["baseline_finish"] is None
            or row["status"] == "cancelled"
        ):
            continue
        if row["status"] == "done":
            finish = row["actual_finish"] or row["planned_finish"] or row["baseline_finish"]
        else:
            finish = row["planned_finish"] or row["baseline_finish"]
            finish = max(finish, today) if finish < today else finish
        slips.append((finish - row["baseline_finish"]).days)
    open_rows = [r for r in rows if r["status"] in OPEN_ACTIVITY]
    overdue = [r for r in open_rows if r["planned_finish"] and r["planned_finish"] < today]
    counted = [r for r in rows if r["status"] != "cancelled"]
    done = [r for r in counted if r["status"] == "done"]
    return {
        "milestone_slip_days": slips if slips else None,
        "activities_open": len(open_rows),
        "activities_overdue": len(overdue),
        "progress_share": round(len(done) / len(counted), 4) if counted else None,
        "open_ids": {r["id"] for r in open_rows},
    }


def _raci_errors(project, *, has_activities: bool, open_ids: set) -> int | None:
    if not has_activities:
        return None
    if not open_ids:
        return 0
    from rapport.raci.selectors import open_activities_without_one_accountable

    return open_activities_without_one_accountable(project)


def _commitments(project, today: date, now: datetime, window_days: int) -> dict:
    """Open, overdue, recently broken and recently renegotiated promises (two queries)."""
    try:
        from rapport.promises.models import Commitment, Renegotiation
    except ImportError:  # the promises ledger is not installed: nothing to measure
        return {}
    since = now - timedelta(days=window_days)
    counts = Commitment.objects.filter(project=project).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status__in=("kept", "broken"))),
        overdue=Count("pk", filter=~Q(status__in=("kept", "broken")) & Q(promised_date__lt=today)),
        broken=Count("pk", filter=Q(status="broken", closed_at__gte=since)),
    )
    if not counts["total"]:
        return {}
    renegotiated = Renegotiation.objects.filter(
        commitment__project=project, agreed_on__gte=today - timedelta(days=window_days)
    ).count()
    return {
        "commitments_open": counts["open"],
        "commitments_overdue": counts["overdue"],
        "commitments_broken": counts["broken"],
        "commitments_renegotiated": renegotiated,
    }


def _ratings(project) -> list[float] | None:
    from rapport.comms.models import Feedback

    ratings = list(
        # Only answers through the stakeholder's own link: nobody on the team can rate for them.
        Feedback.objects.from_the_stakeholder()
        .filter(project=project, rating__isnull=False)
        .order_by("rated_at", "pk")
        .values_list("rating", flat=True)
    )
    return [float(r) for r in ratings] or None


def _acknowledgements(project, now: datetime) -> tuple[int | None, int | None]:
    from rapport.comms.models import Delivery, DeliveryState, FeedbackSource

    counts = Delivery.objects.filter(
        project=project,
        state=DeliveryState.SENT,
        sent_at__gte=now - ACK_WINDOW,
        sent_at__lte=now - ACK_GRACE,
    ).aggregate(
        sent=Count("pk"),
        unacknowledged=Count(
            "pk",
            filter=Q(feedback__isnull=True)
            | Q(feedback__acknowledged_at__isnull=True)
            | ~Q(feedback__source=FeedbackSource.PORTAL),
        ),
    )
    if not counts["sent"]:
        return None, None
    return counts["sent"], counts["unacknowledged"]


def _high_risks(project) -> int | None:
    counts = Risk.objects.filter(project=project).aggregate(
        total=Count("pk"), high=Count("pk", filter=Q(closed_at__isnull=True) & _high_q())
    )
    return counts["high"] if counts["total"] else None


def _high_q() -> Q:
    return Q(probability="high", impact__in=["high", "medium"]) | Q(
        probability="medium", impact="high"
    )


@dataclass(frozen=True)
class ProjectHealth:
    """A project's health now: the rules' report plus what it was computed from."""

    project: Project
    report: rules.HealthReport
    inputs: rules.HealthInputs
    update: StatusUpdate | None
    margin: int
    as_of: datetime
    spent_share: float | None

    def to_dict(self) -> dict:
        data = self.report.to_dict()
        data["project"] = self.project.code
        data["as_of"] = self.as_of.isoformat()
        data["status_update"] = self.update.pk if self.update else None
        data["margin"] = self.margin
        return data


def evidence_inputs(
    project,
    *,
    update: StatusUpdate | None,
    now: datetime,
    settings: rules.HealthSettings | None = None,
) -> tuple[rules.HealthInputs, float | None]:
    settings = settings or rules.HealthSettings()
    today = project_today(project, now)
    activity = _activity_evidence(project, today)
    spent_share = None
    if update is not None and update.spent is not None and project.budget:
        spent_share = round(float(update.spent) / float(project.budget), 4)
    commitments = _commitments(project, today, now, settings.commitments_window_days)
    reports_sent, reports_unacknowledged = _acknowledgements(project, now)
    # The relationship apps sit above status on the staircase; like comms above, they are asked
    # here, inside the function, for the evidence they measure.
    from rapport.meetings.selectors import business_attendance_evidence
    from rapport.satisfaction.selectors import key_customer_pulses
    from rapport.slas.selectors import sla_breach_counts

    business_invited, business_missed = business_attendance_evidence(
        project, window=settings.business_meetings_window, now=now
    )
    sla_breaches_it, sla_breaches_business = sla_breach_counts(
        project, since=now - timedelta(days=settings.slas_window_days), now=now
    )
    inputs = rules.HealthInputs(
        milestone_slip_days=activity["milestone_slip_days"],
        activities_open=activity["activities_open"],
        activities_overdue=activity["activities_overdue"],
        budget_spent_share=spent_share,
        progress_share=activity["progress_share"] if spent_share is not None else None,
        raci_errors=_raci_errors(
            project,
            has_activities=activity["activities_open"] is not None,
            open_ids=activity["open_ids"],
        ),
        high_risks_open=_high_risks(project),
        **commitments,
        ratings=_ratings(project),
        reports_sent=reports_sent,
        reports_unacknowledged=reports_unacknowledged,
        business_invited=business_invited,
        business_missed=business_missed,
        key_customer_pulses=key_customer_pulses(project),
        sla_breaches_it=sla_breaches_it,
        sla_breaches_business=sla_breaches_business,
    )
    return inputs, spent_share


def project_health(project, *, now: datetime | None = None) -> ProjectHealth:
    """Reported colour (the current published status), the evidence and the watermelon check."""
    now = now or timezone.now()
    update = status_current(project)
    settings, margin = health_settings_of(HealthConfig.objects.filter(project=project).first())
    inputs, spent_share = evidence_inputs(project, update=update, now=now, settings=settings)
    report = rules.health_report(
        update.overall if update else None, inputs, settings, margin=margin, subject=project.pk
    )
    return ProjectHealth(
        project=project,
        report=report,
        inputs=inputs,
        update=update,
        margin=margin,
        as_of=now,
        spent_share=spent_share,
    )


# --- history and the board --------------------------------------------------------------------


def snapshot_history(project, *, limit: int = 60):
    """The project's evidence snapshots, oldest first (for charts)."""
    rows = list(
        EvidenceSnapshot.objects.filter(project=project).order_by("-taken_at", "-pk")[:limit]
    )
    return rows[::-1]


@dataclass
class BoardRow:
    project: Project
    latest: EvidenceSnapshot | None
    history: list[EvidenceSnapshot]


def board_projects(
    org, user, *, state: str = "", colour: str = "", watermelon: bool = False, manager_id=None
):
    """The projects of `org` the user may see, filtered, with their latest snapshot's evidence
    colour and watermelon flag (two subqueries), by code. Cancelled ones only when asked for."""
    from django.db.models import OuterRef, Subquery

    from rapport.projects.models import ProjectMembership, ProjectRole

    latest = EvidenceSnapshot.objects.filter(project=OuterRef("pk")).order_by("-taken_at", "-pk")
    projects = Project.objects.visible_to(user).filter(org=org)
    if state in ProjectState.values:
        projects = projects.filter(state=state)
    else:
        projects = projects.exclude(state=ProjectState.CANCELLED)
    if manager_id:
        projects = projects.filter(
            pk__in=ProjectMembership.objects.filter(
                user_id=manager_id, role=ProjectRole.MANAGER
            ).values("project")
        )
    projects = projects.annotate(
        latest_evidence=Subquery(latest.values("evidence")[:1]),
        latest_watermelon=Subquery(latest.values("watermelon")[:1]),
    )
    if colour in ("green", "amber", "red"):
        projects = projects.filter(latest_evidence=colour)
    if watermelon:
        projects = projects.filter(latest_watermelon=True)
    return projects.select_related("org").order_by("code")


def board_managers(org):
    """People who manage at least one project of `org`: the board's manager filter."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(project_memberships__role="manager", project_memberships__project__org=org)
        .distinct()
        .order_by("full_name", "email")
    )


def board_rows(projects, *, history: int = BOARD_HISTORY) -> list[BoardRow]:
    """Board rows of these projects (a page of them): each one's latest snapshot and its last
    ``history`` snapshots, in one query (a window function ranks them per project)."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    projects = list(projects)
    by_project: dict[int, list[EvidenceSnapshot]] = {p.pk: [] for p in projects}
    ranked = (
        EvidenceSnapshot.objects.filter(project_id__in=list(by_project))
        .defer("report")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("project_id")],
                order_by=[F("taken_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=history)
        .order_by("project_id", "-taken_at", "-pk")
    )
    for snap in ranked:
        by_project[snap.project_id].append(snap)
    return [
        BoardRow(project=p, latest=(by_project[p.pk] or [None])[0], history=by_project[p.pk][::-1])
        for p in projects
    ]


def published_updates(project, *, limit: int = 52):
    """Published, current versions oldest first: the progress and budget lines of the dashboard."""
    rows = list(
        StatusUpdate.objects.filter(project=project, state=UpdateState.PUBLISHED)
        .filter(superseded_by__isnull=True)
        .order_by("-period_end", "-pk")
        .only("pk", "period_end", "overall", "progress", "spent", "published_at")[:limit]
    )
    return rows[::-1]


@dataclass
class MeasuredProgress:
    """Progress as the plan shows it: finished activities over all that count (not cancelled)."""

    done: int
    counted: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.counted) if self.counted else None


def measured_progress(project) -> MeasuredProgress:
    from rapport.raci.models import Activity

    counts = Activity.objects.filter(project=project).aggregate(
        done=Count("pk", filter=Q(status="done")),
        counted=Count("pk", filter=~Q(status="cancelled")),
    )
    return MeasuredProgress(done=counts["done"], counted=counts["counted"])
