"""The track record of estimates and the organisation's calibration: writes and the reads that the
track-record page, the API, the CLI and the simulation share.

- ``track_record_refresh(project)`` compares the estimate version in force at the baseline with
  what happened: every finished activity (at each status update) and, once the project is
  completed, the project as a whole (finish and cost). It is called when a status update is
  published and when a project is saved completed (see apps.py), and by the demo.
- ``calibration_refresh(org)`` fits actual ÷ estimated over the organisation's completed projects
  (calibration.py) and caches the fit, so a simulation adds one query, not a fit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from rapport.projects.models import Project, ProjectState
from rapport.raci.models import Activity, ActivityKind, ActivityStatus

from . import calibration, rules
from .calendar import working_days_until
from .models import CalibrationFit, EstimateMethod, EstimateVersion, TrackRecord

BASELINE_ITERATIONS = 5_000
PROJECT_KIND = "project"


# --- the estimate in force at the baseline ------------------------------------------------------


def baseline_version(project) -> EstimateVersion | None:
    """The last version made on or before the project's start date; without a start date or an
    earlier version, the first one (the estimate as it was first agreed)."""
    versions = EstimateVersion.objects.filter(project=project)
    if project.start_date is not None:
        before = versions.filter(created_at__date__lte=project.start_date).order_by("-number")
        found = before.first()
        if found is not None:
            return found
    return versions.order_by("number").first()


def _three_point(values) -> rules.ThreePoint:
    return rules.ThreePoint(*(float(v) for v in values))


def _snapshot_inputs(snapshot: dict) -> list[rules.ActivityEstimate]:
    """The snapshot's estimated activities as simulation input; links to activities that were
    not estimated then are left out (they counted as zero days)."""
    ids = {a["id"] for a in snapshot["activities"]}
    preds: dict[int, list[int]] = {}
    for pred, succ in snapshot.get("dependencies", []):
        if pred in ids and succ in ids:
            preds.setdefault(succ, []).append(pred)
    return [
        rules.ActivityEstimate(
            id=a["id"],
            name=a["name"],
            duration=_three_point(a["duration"]),
            cost=_three_point(a["cost"]),
            predecessors=tuple(preds.get(a["id"], ())),
        )
        for a in snapshot["activities"]
    ]


def _points(tp: rules.ThreePoint) -> tuple[float, float, float]:
    return tp.optimistic, tp.most_likely, tp.pessimistic


def _spent_at_completion(project) -> float | None:
    """The "spent to date" of the latest published status: the project's actual cost."""
    from rapport.status.models import StatusUpdate

    spent = (
        StatusUpdate.objects.filter(
            project=project, published_at__isnull=False, spent__isnull=False
        )
        .order_by("-period_end", "-published_at")
        .values_list("spent", flat=True)
        .first()
    )
    return None if spent is None else float(spent)


# --- writes ---------------------------------------------------------------------------------------


@transaction.atomic
def track_record_refresh(project, *, refit: bool = True) -> list[TrackRecord]:
    """Record how the baseline estimate compares with what happened so far (see the module
    docstring), replacing the project's earlier records. Returns the records. When the
    project-level record appears, changes or goes (a reopened project), the organisation's
    calibration is refitted (``refit``)."""
    project = Project.objects.select_related("org").get(pk=project.pk)
    version = baseline_version(project)
    before = TrackRecord.objects.filter(project=project, activity__isnull=True).first()
    before_key = (before.finish_actual, before.cost_actual, before.version_id) if before else None
    records: list[TrackRecord] = []
    if version is not None:
        records = _records(project, version)
    TrackRecord.objects.filter(project=project).delete()
    TrackRecord.objects.bulk_create(records)
    after = next((r for r in records if r.activity_id is None), None)
    after_key = (after.finish_actual, after.cost_actual, after.version_id) if after else None
    if refit and before_key != after_key:
        calibration_refresh(project.org)
    return records


def _records(project, version: EstimateVersion) -> list[TrackRecord]:
    snapshot = version.snapshot
    inputs = _snapshot_inputs(snapshot)
    if not inputs:
        return []
    activities = {
        a.pk: a
        for a in Activity.objects.filter(project=project, pk__in=[i.id for i in inputs])
        .select_related("phase")
        .order_by()
    }
    by_id = {a["id"]: a for a in snapshot["activities"]}
    now = timezone.now()
    out = []
    for item in inputs:
        activity = activities.get(item.id)
        if activity is None or activity.status != ActivityStatus.DONE:
            continue
        if activity.actual_start is None or activity.actual_finish is None:
            continue
        estimate = by_id[item.id]
        finish_q = calibration.three_point_quantiles(*_points(item.duration))
        cost_q = calibration.three_point_quantiles(*_points(item.cost))
        out.append(
            TrackRecord(
                project=project,
                activity=activity,
                version=version,
                name=activity.name,
                kind=activity.kind,
                phase_name=activity.phase.name if activity.phase else "",
                method=estimate.get("method", ""),
                estimated_by_id=estimate.get("estimated_by"),
                estimator_name=estimate.get("estimated_by_name", ""),
                finish_quantiles=list(finish_q),
                finish_p50=finish_q[calibration.level_index(0.5)],
                finish_p80=finish_q[calibration.level_index(0.8)],
                finish_actual=float(
                    working_days_until(activity.actual_start, activity.actual_finish)
                ),
                cost_quantiles=list(cost_q),
                cost_p50=cost_q[calibration.level_index(0.5)],
                cost_p80=cost_q[calibration.level_index(0.8)],
                cost_actual=None,  # Rapport records spend per project, not per activity
                finished_on=activity.actual_finish,
                recorded_at=now,
            )
        )
    if project.state == ProjectState.COMPLETED and project.start_date is not None:
        whole = _project_record(project, version, inputs, now)
        if whole is not None:
            out.append(whole)
    return out


def _project_record(project, version, inputs, now) -> TrackRecord | None:
    finishes = list(
        Activity.objects.filter(project=project, actual_finish__isnull=False)
        .exclude(status=ActivityStatus.CANCELLED)
        .values_list("actual_finish", flat=True)
    )
    if not finishes:
        return None
    try:
        result = rules.simulate(inputs, iterations=BASELINE_ITERATIONS, seed=project.pk)
    except rules.EstimateError:
        return None  # an old snapshot the simulation no longer accepts: nothing to compare
    finish_q = calibration.sample_quantiles(result.finish_samples)
    cost_q = calibration.sample_quantiles(result.cost_samples)
    last = max(finishes)
    return TrackRecord(
        project=project,
        activity=None,
        version=version,
        name=f"{project.code} — {project.name}",
        kind=PROJECT_KIND,
        finish_quantiles=list(finish_q),
        finish_p50=result.p50.finish,
        finish_p80=result.p80.finish,
        finish_actual=float(working_days_until(project.start_date, last)),
        cost_quantiles=list(cost_q),
        cost_p50=result.p50.cost,
        cost_p80=result.p80.cost,
        cost_actual=_spent_at_completion(project),
        finished_on=last,
        recorded_at=now,
    )


def _completed_project_records(org):
    return TrackRecord.objects.filter(
        project__org=org, project__state=ProjectState.COMPLETED, activity__isnull=True
    )


@transaction.atomic
def calibration_refresh(org) -> CalibrationFit:
    """Fit actual ÷ estimated over the organisation's completed projects and cache it (one row
    per organisation). Below the minimum the row holds the refusal instead."""
    rows = list(
        _completed_project_records(org).values_list(
            "project_id", "finish_quantiles", "finish_actual", "cost_quantiles", "cost_actual"
        )
    )
    project_ids = [r[0] for r in rows]
    activities = TrackRecord.objects.filter(
        project_id__in=project_ids, activity__isnull=False
    ).count()
    finish = [calibration.Comparison(tuple(q), a) for _, q, a, _, _ in rows if a is not None]
    costs = [calibration.Comparison(tuple(q), a) for _, _, _, q, a in rows if a is not None]
    values = {"projects": len(finish), "activities": activities, "computed_at": timezone.now()}
    try:
        fitted = calibration.fit(finish, measure=calibration.FINISH, activities=activities)
        values.update(finish=fitted.to_dict(), refused="")
    except calibration.CalibrationRefused as refused:
        values.update(finish=None, cost=None, refused=str(refused))
    else:
        try:
            cost_fit = calibration.fit(costs, measure=calibration.COST, activities=activities)
            values["cost"] = cost_fit.to_dict()
        except calibration.CalibrationRefused:
            values["cost"] = None  # too few projects with their spend on record
    fit_row, _ = CalibrationFit.objects.update_or_create(org=org, defaults=values)
    return fit_row


# --- reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fits:
    finish: calibration.Fit | None
    cost: calibration.Fit | None
    refused: str
    projects: int = 0
    activities: int = 0


def fits_get(org) -> Fits:
    """The cached fit (one query). An organisation never refitted reads as refused."""
    row = CalibrationFit.objects.filter(org=org).first()
    if row is None:
        return Fits(None, None, calibration.refusal(0, 0) or "")
    return Fits(
        finish=calibration.Fit.from_dict(row.finish) if row.finish else None,
        cost=calibration.Fit.from_dict(row.cost) if row.cost else None,
        refused=row.refused,
        projects=row.projects,
        activities=row.activities,
    )


def _labels(choices) -> dict:
    return dict(choices)


@dataclass
class TrackRecordSummary:
    org: object
    fits: Fits
    projects: list  # project-level TrackRecords, oldest finish first
    by_kind: list
    by_estimator: list
    by_method: list
    by_phase: list
    activities: int
    promises: dict = None  # promise_rates()
    benefits: dict = None  # benefit_rates()


def track_record_summary(user, org) -> TrackRecordSummary:
    """The organisation's track record over the projects ``user`` may see: every completed
    project's estimate against its outcome, and finished activities' accuracy per kind,
    estimator, method and phase name, averaged in the database: seven queries however many
    records there are."""
    visible = _visible(user, org)
    records = TrackRecord.objects.filter(project__in=visible)
    projects = list(
        records.filter(activity__isnull=True)
        .select_related("project")
        .order_by("finished_on", "pk")
    )
    finished = records.filter(activity__isnull=False, finish_actual__isnull=False, finish_p50__gt=0)
    kinds = _labels(ActivityKind.choices)
    methods = _labels(EstimateMethod.choices)

    def grouped(field: str, label_of) -> list[calibration.Accuracy]:
        rows = finished.values(field).annotate(
            count=Count("pk"),
            mean_ratio=Avg(F("finish_actual") / F("finish_p50")),
            over=Count("pk", filter=Q(finish_actual__gt=F("finish_p80"))),
        )
        return calibration.most_over_run_first(
            [
                calibration.Accuracy(
                    label=label_of(r[field]),
                    count=r["count"],
                    mean_ratio=r["mean_ratio"],
                    share_over_p80=r["over"] / r["count"] if r["count"] else None,
                )
                for r in rows.order_by()
            ]
        )

    by_kind = grouped("kind", lambda v: kinds.get(v, v))
    return TrackRecordSummary(
        org=org,
        fits=fits_get(org),
        projects=projects,
        by_kind=by_kind,
        by_estimator=grouped("estimator_name", lambda v: v or "Nobody recorded"),
        by_method=grouped("method", lambda v: methods.get(v, v or "Not said")),
        by_phase=grouped("phase_name", lambda v: v or "No phase"),
        activities=sum(a.count for a in by_kind),
        promises=promise_rates(user, org),
        benefits=benefit_rates(user, org),
    )


def benefit_rates(user, org) -> dict:
    """Outcomes' benefit forecasts against what was measured, over the projects ``user`` may
    see: how many were checked (measured on or after the target date), met their P50, kept
    their P80 promise, or were over-promised (measured below the P80). Two queries."""
    from rapport.stakeholders.models import Outcome
    from rapport.stakeholders.selectors import benefit_record

    outcomes = (
        Outcome.objects.filter(
            project__in=_visible(user, org), benefit_p50__isnull=False, benefit_p80__isnull=False
        )
        .select_related("project")
        .prefetch_related("measurements")
        .order_by("due_date", "pk")
    )
    rows = []
    for outcome in outcomes:
        record = benefit_record(outcome)
        rows.append({"outcome": outcome, **record})
    checked = [r for r in rows if r["check"] is not None]
    met_p50 = sum(r["check"] == "met-p50" for r in checked)
    missed = sum(r["check"] == "missed" for r in checked)
    return {
        "forecast": len(rows),
        "checked": len(checked),
        "met_p50": met_p50,
        "met_p80": len(checked) - missed,
        "over_promised": missed,
        "share_over_promised": missed / len(checked) if checked else None,
        "rows": checked,
    }


def _visible(user, org):
    """The organisation's projects ``user`` may see; every one for the CLI (``user`` None)."""
    if user is None:
        return Project.objects.filter(org=org)
    return Project.objects.visible_to(user).filter(org=org)


def promise_rates(user, org, today: dt.date | None = None) -> dict:
    """Promise-keeping rates for the organisation and per person who made promises: the share
    kept on time (on the first promised date) and the usual slip (median days late of the late
    deliveries), over the projects ``user`` may see. One query."""
    from rapport.promises import rules as promise_rules
    from rapport.promises.models import Commitment

    today = today or timezone.localdate()
    rows = list(
        Commitment.objects.filter(project__in=_visible(user, org))
        .select_related("made_by")
        .annotate(renegotiation_count=Count("renegotiations"))
    )
    names = {c.made_by_id: c.made_by.display_name if c.made_by else "Nobody recorded" for c in rows}

    def rate(commitments) -> dict:
        closed = [c for c in commitments if c.status in promise_rules.CLOSED]
        kept = [
            c
            for c in closed
            if c.delivered_on is not None
            and c.status == promise_rules.KEPT
            and c.delivered_on <= (c.original_date or c.promised_date)
        ]
        late = sorted(
            (c.delivered_on - (c.original_date or c.promised_date)).days
            for c in closed
            if c.delivered_on is not None and c.delivered_on > (c.original_date or c.promised_date)
        )
        figures = promise_rules.figures([c.facts() for c in commitments], today)
        return {
            "total": len(commitments),
            "closed": len(closed),
            "kept_on_time": len(kept),
            "share": len(kept) / len(closed) if closed else None,
            "usual_slip_days": late[len(late) // 2] if late else None,
            "never_delivered": sum(c.delivered_on is None for c in closed),
            "overdue": figures.overdue,
        }

    per_person: dict = {}
    for c in rows:
        per_person.setdefault(c.made_by_id, []).append(c)
    people = [{"label": names[k], **rate(v)} for k, v in per_person.items()]
    people.sort(key=lambda r: (r["share"] is None, r["share"] or 0, r["label"].lower()))
    return {"organisation": rate(rows), "people": people}


def _record_json(r: TrackRecord) -> dict:
    return {
        "project": r.project.code,
        "name": r.name,
        "version": r.version.number if r.version else None,
        "finished_on": r.finished_on.isoformat() if r.finished_on else None,
        "finish": {
            "p50": round(r.finish_p50, 4),
            "p80": round(r.finish_p80, 4),
            "actual": r.finish_actual,
            "ratio_p50": None if r.finish_ratio is None else round(r.finish_ratio, 4),
        },
        "cost": {
            "p50": round(r.cost_p50, 4),
            "p80": round(r.cost_p80, 4),
            "actual": r.cost_actual,
            "ratio_p50": None if r.cost_ratio is None else round(r.cost_ratio, 4),
        },
    }


def track_record_json(summary: TrackRecordSummary) -> dict:
    """What `rapport track-record --json` prints and the API returns (machine words)."""
    fits = summary.fits
    return {
        "org": summary.org.slug,
        "calibration": {
            "refused": fits.refused or None,
            "projects": fits.projects,
            "activities": fits.activities,
            "finish": fits.finish.to_dict() if fits.finish else None,
            "cost": fits.cost.to_dict() if fits.cost else None,
        },
        "projects": [_record_json(r) for r in summary.projects],
        "activities": summary.activities,
        "by_kind": [a.to_dict() for a in summary.by_kind],
        "by_estimator": [a.to_dict() for a in summary.by_estimator],
        "by_method": [a.to_dict() for a in summary.by_method],
        "by_phase": [a.to_dict() for a in summary.by_phase],
        "promises": summary.promises,
        "benefits": {key: value for key, value in (summary.benefits or {}).items() if key != "rows"}
        | {
            "outcomes": [
                {
                    "project": r["outcome"].project.code,
                    "outcome_id": r["outcome"].pk,
                    "p50": float(r["p50"]),
                    "p80": float(r["p80"]),
                    "measured": float(r["measured"].value),
                    "measured_on": r["measured"].measured_on.isoformat(),
                    "check": r["check"],
                }
                for r in (summary.benefits or {}).get("rows", [])
            ]
        },
    }
