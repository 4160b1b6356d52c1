"""The estimates API: three-point estimates, dependencies, the sponsor's target, versions
(compare, restore) and simulation runs."""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_org, access_project
from rapport.raci.models import Activity
from rapport.stakeholders.models import Party

from . import rules, selectors, services, versions
from .report import whole_days
from .track_record import track_record_json, track_record_summary

router = Router(tags=["estimates"])
User = get_user_model()


class EstimateOut(Schema):
    duration: list[Decimal] = Field(
        ..., description="optimistic, most likely, pessimistic (working days)"
    )
    cost: list[Decimal]
    method: str
    assumptions: str
    source: str
    estimated_by: str | None
    updated_at: datetime


class ActivityEstimateOut(Schema):
    activity_id: int
    name: str
    status: str
    estimate: EstimateOut | None
    predecessors: list[int]


class ConstraintOut(Schema):
    finish_date: date | None
    budget: Decimal | None
    stated_by_party_id: int | None
    stated_by: str | None
    stated_on: date | None
    notes: str


class EstimateSetOut(Schema):
    version: int | None
    activities: list[ActivityEstimateOut]
    constraint: ConstraintOut | None


class EstimateIn(Schema):
    duration: list[Decimal] = Field(..., description="optimistic, most likely, pessimistic")
    cost: list[Decimal] = Field(..., description="optimistic, most likely, pessimistic")
    reason: str
    method: str | None = None
    assumptions: str | None = None
    source: str | None = None
    estimated_by: str | None = Field(None, description="e-mail of the person who estimated")
    predecessors: list[int] | None = Field(None, description="activity ids this one waits for")


class ReasonIn(Schema):
    reason: str


class PredecessorsIn(Schema):
    predecessors: list[int]
    reason: str


class ConstraintIn(Schema):
    reason: str
    finish_date: date | None = None
    budget: Decimal | None = None
    stated_by_party_id: int | None = None
    stated_on: date | None = None
    notes: str = ""


class SavedOut(Schema):
    version: int | None
    changed: bool
    skipped: list[str] = []


class VersionOut(Schema):
    number: int
    created_at: datetime
    author: str | None
    reason: str
    summary: str
    restored_from: int | None

    @staticmethod
    def resolve_author(v):
        return v.author.email if v.author else None

    @staticmethod
    def resolve_restored_from(v):
        return v.restored_from.number if v.restored_from else None


class VersionDetailOut(VersionOut):
    snapshot: dict


class ChangeOut(Schema):
    subject: str
    part: str
    before: str | None
    after: str | None


class CompareOut(Schema):
    older: int
    newer: int
    same_estimate: bool
    changes: list[ChangeOut]


class RunIn(Schema):
    iterations: int = rules.DEFAULT_ITERATIONS
    seed: int | None = None
    confidence: float = rules.DEFAULT_CONFIDENCE
    distribution: str = rules.PERT


class RunOut(Schema):
    id: int | None
    created_at: datetime
    seed: int
    iterations: int
    confidence: float
    distribution: str
    version: int | None
    elapsed_ms: int
    run_by: str | None
    finish_dates: dict
    result: dict

    @staticmethod
    def resolve_version(run):
        return run.result.get("version")

    @staticmethod
    def resolve_run_by(run):
        return run.run_by.email if run.run_by else None

    @staticmethod
    def resolve_finish_dates(run):
        """Calendar dates of the finishes (null without a project start date)."""
        project = run.project
        out = {}
        for key in ("p50", "p80", "p90", "base", "at_confidence", "mean"):
            days = run.result[key]["finish"]
            found = selectors.finish_date(project, whole_days(days))
            out[key] = found.isoformat() if found else None
        return out


def _estimate_set_out(project) -> dict:
    rows = selectors.activity_rows(project)
    constraint = selectors.constraint_get(project)
    current = selectors.version_current(project)
    activities = []
    for a in rows:
        e = a.estimate_or_none
        activities.append(
            {
                "activity_id": a.pk,
                "name": a.name,
                "status": a.status,
                "predecessors": [p.pk for p in a.predecessors],
                "estimate": None
                if e is None
                else {
                    "duration": list(e.duration),
                    "cost": list(e.cost),
                    "method": e.method,
                    "assumptions": e.assumptions,
                    "source": e.source,
                    "estimated_by": e.estimated_by.email if e.estimated_by else None,
                    "updated_at": e.updated_at,
                },
            }
        )
    return {
        "version": current.number if current else None,
        "activities": activities,
        "constraint": None
        if constraint is None
        else {
            "finish_date": constraint.finish_date,
            "budget": constraint.budget,
            "stated_by_party_id": constraint.stated_by_id,
            "stated_by": constraint.stated_by.name if constraint.stated_by else None,
            "stated_on": constraint.stated_on,
            "notes": constraint.notes,
        },
    }


def _saved(saved) -> dict:
    return {
        "version": saved.version.number if saved.version else None,
        "changed": saved.version is not None,
        "skipped": list(saved.skipped),
    }


def _activities(project, ids: list[int]) -> list[Activity]:
    # only this project's activities: another project's are "not found", and never named
    found = Activity.objects.filter(project=project).in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {"predecessors": [f"No activity {', '.join(map(str, missing))} in {project.code}."]}
        )
    return [found[i] for i in ids]


@router.get(
    "/projects/{project_id}/estimates",
    response=EstimateSetOut,
    summary="Every activity with its three-point estimate, predecessors, and the target",
)
def estimate_index(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return _estimate_set_out(project)


@router.put(
    "/projects/{project_id}/activities/{activity_id}/estimate",
    response=SavedOut,
    summary="Set an activity's three-point duration and cost (a reason is required)",
)
def estimate_put(request, project_id: int, activity_id: int, payload: EstimateIn):
    project = access_project(request.user, project_id, "contribute")
    activity = selectors.activity_get(project, activity_id)
    extra = {}
    if payload.estimated_by is not None:
        person = User.objects.filter(email__iexact=payload.estimated_by).first()
        if person is None:
            raise ValidationError({"estimated_by": [f"No user {payload.estimated_by}."]})
        extra["estimated_by"] = person
    saved = services.estimate_set(
        actor=request.user,
        activity=activity,
        reason=payload.reason,
        duration=payload.duration,
        cost=payload.cost,
        method=payload.method,
        assumptions=payload.assumptions,
        source=payload.source,
        predecessors=None
        if payload.predecessors is None
        else _activities(project, payload.predecessors),
        **extra,
    )
    return _saved(saved)


@router.delete(
    "/projects/{project_id}/activities/{activity_id}/estimate",
    response=SavedOut,
    summary="Remove an activity's estimate (a reason is required)",
)
def estimate_remove(request, project_id: int, activity_id: int, payload: ReasonIn):
    project = access_project(request.user, project_id, "contribute")
    activity = selectors.activity_get(project, activity_id)
    return _saved(
        services.estimate_delete(actor=request.user, activity=activity, reason=payload.reason)
    )


@router.put(
    "/projects/{project_id}/activities/{activity_id}/predecessors",
    response=SavedOut,
    summary="Set the finish-to-start predecessors of an activity (no cycles)",
)
def predecessors_put(request, project_id: int, activity_id: int, payload: PredecessorsIn):
    project = access_project(request.user, project_id, "contribute")
    activity = selectors.activity_get(project, activity_id)
    saved = services.dependencies_set(
        actor=request.user,
        activity=activity,
        predecessors=_activities(project, payload.predecessors),
        reason=payload.reason,
    )
    return _saved(saved)


@router.put(
    "/projects/{project_id}/estimate-target",
    response=SavedOut,
    summary="Record the sponsor's target: a finish date and/or a budget",
)
def target_put(request, project_id: int, payload: ConstraintIn):
    project = access_project(request.user, project_id, "manage")
    party = None
    if payload.stated_by_party_id is not None:
        party = Party.objects.filter(pk=payload.stated_by_party_id, org=project.org).first()
        if party is None:
            raise ValidationError(
                {"stated_by_party_id": [f"No party {payload.stated_by_party_id} in the register."]}
            )
    saved = services.constraint_set(
        actor=request.user,
        project=project,
        reason=payload.reason,
        finish_date=payload.finish_date,
        budget=payload.budget,
        stated_by=party,
        stated_on=payload.stated_on,
        notes=payload.notes,
    )
    return _saved(saved)


@router.delete(
    "/projects/{project_id}/estimate-target", response=SavedOut, summary="Remove the target"
)
def target_delete(request, project_id: int, payload: ReasonIn):
    project = access_project(request.user, project_id, "manage")
    return _saved(
        services.constraint_clear(actor=request.user, project=project, reason=payload.reason)
    )


@router.get(
    "/projects/{project_id}/estimate-versions",
    response=list[VersionOut],
    summary="Versions of the estimate, newest first",
)
@paginate(LimitOffsetPagination)
def version_index(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.version_list(project)


@router.get("/projects/{project_id}/estimate-versions/{version_number}", response=VersionDetailOut)
def version_detail(request, project_id: int, version_number: int):
    project = access_project(request.user, project_id, "view")
    return selectors.version_get(project, version_number)


@router.get(
    "/projects/{project_id}/estimate-versions/{version_number}/compare",
    response=CompareOut,
    summary="What changed from this version to another (default: the current one)",
)
def version_compare(request, project_id: int, version_number: int, to: int | None = None):
    project = access_project(request.user, project_id, "view")
    older = selectors.version_get(project, version_number)
    newer = selectors.version_current(project) if to is None else selectors.version_get(project, to)
    return {
        "older": older.number,
        "newer": newer.number,
        "same_estimate": versions.digest(older.snapshot) == versions.digest(newer.snapshot),
        "changes": [c.to_dict() for c in versions.compare(older.snapshot, newer.snapshot)],
    }


@router.post(
    "/projects/{project_id}/estimate-versions/{version_number}/restore",
    response=SavedOut,
    summary="Put an earlier version back, as a new version with a reason",
)
def version_restore(request, project_id: int, version_number: int, payload: ReasonIn):
    project = access_project(request.user, project_id, "manage")
    version = selectors.version_get(project, version_number)
    return _saved(
        services.estimate_restore(
            actor=request.user, project=project, version=version, reason=payload.reason
        )
    )


@router.post(
    "/projects/{project_id}/simulations",
    response={201: RunOut},
    summary="Run the Monte Carlo simulation (seeded; repeat a run with its seed)",
)
def simulation_create(request, project_id: int, payload: RunIn):
    project = access_project(request.user, project_id, "manage")
    run = services.simulation_run(
        actor=request.user,
        project=project,
        iterations=payload.iterations,
        seed=payload.seed,
        confidence=payload.confidence,
        distribution=payload.distribution,
    )
    return Status(201, run)


@router.get(
    "/projects/{project_id}/simulations/latest",
    response=RunOut,
    summary="The last simulation run (P50/P80/P90, contingency, target check, drivers)",
)
def simulation_latest(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    run = selectors.run_latest(project)
    if run is None:
        raise Http404("No simulation yet")
    run.project = project
    return run


class CalibratedOut(Schema):
    version: int | None
    plain: dict
    calibrated: dict | None
    refused: str | None


@router.get(
    "/projects/{project_id}/simulations/latest/calibrated",
    response=CalibratedOut,
    summary="The last run's forecast beside the one calibrated on the organisation's history",
)
def simulation_latest_calibrated(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    run = selectors.run_latest(project)
    if run is None:
        raise Http404("No simulation yet")
    result = run.result
    if "calibrated" not in result:
        refused = "This run was made before calibration: run the simulation again."
    else:
        refused = result.get("calibration_refused") or None
    return {
        "version": result.get("version"),
        "plain": {
            k: result[k] for k in ("p50", "p80", "p90", "contingency", "constraint_probability")
        },
        "calibrated": result.get("calibrated"),
        "refused": refused,
    }


@router.get(
    "/orgs/{slug}/track-record",
    response=dict,
    summary="Estimates against outcomes, the calibration they give, and promise-keeping rates",
)
def track_record(request, slug: str):
    org = access_org(request.user, slug, "member")
    return track_record_json(track_record_summary(request.user, org))
