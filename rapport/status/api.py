"""Status API: health (reported, evidence, signals, watermelon), status updates and their
corrections, risks, and the organisation board. The same services as the pages and the CLI."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_org, access_project
from rapport.projects.models import ProjectState
from rapport.stakeholders.models import Party

from . import selectors, services
from .health_kept import project_health_now
from .models import Risk, StatusUpdate

router = Router(tags=["status"])


class SignalOut(Schema):
    code: str
    colour: str | None
    value: float | int | None
    message: str
    measured: bool


class HealthFindingOut(Schema):
    code: str
    severity: str
    message: str
    subject: int | str | None


class HealthOut(Schema):
    """The same keys as `rapport status health --json`, with when and from which update."""

    project: str
    reported: str | None
    evidence: str | None
    signals: list[SignalOut]
    watermelon: HealthFindingOut | None
    as_of: datetime
    status_update: int | None
    margin: int


class ObstacleIO(Schema):
    text: str
    impact: str = ""
    customer_ids: list[int] = []


class DecisionIO(Schema):
    text: str
    needed_from_id: int | None = None
    needed_by: date | None = None


class StatusUpdateOut(Schema):
    id: int
    period_start: date
    period_end: date
    state: str
    version: int
    supersedes_id: int | None
    correction_reason: str
    overall: str
    summary: str
    schedule: str
    schedule_note: str
    scope: str
    scope_note: str
    cost: str
    cost_note: str
    quality: str
    quality_note: str
    risk: str
    risk_note: str
    progress: int
    spent: Decimal | None
    went_well: str
    not_going_well: str
    next_steps: str
    top_risks: list[dict]
    obstacles: list[ObstacleIO]
    decisions: list[DecisionIO]
    published_at: datetime | None

    @staticmethod
    def resolve_obstacles(update):
        return [
            {"text": o.text, "impact": o.impact, "customer_ids": [c.pk for c in o.customers.all()]}
            for o in update.obstacles.all()
        ]

    @staticmethod
    def resolve_decisions(update):
        return [
            {"text": d.text, "needed_from_id": d.needed_from_id, "needed_by": d.needed_by}
            for d in update.decisions.all()
        ]


class StatusFields(Schema):
    overall: str | None = None
    summary: str | None = None
    schedule: str | None = None
    schedule_note: str | None = None
    scope: str | None = None
    scope_note: str | None = None
    cost: str | None = None
    cost_note: str | None = None
    quality: str | None = None
    quality_note: str | None = None
    risk: str | None = None
    risk_note: str | None = None
    progress: int | None = None
    spent: Decimal | None = None
    went_well: str | None = None
    not_going_well: str | None = None
    next_steps: str | None = None
    obstacles: list[ObstacleIO] | None = None
    decisions: list[DecisionIO] | None = None


class StatusUpdateIn(StatusFields):
    period_start: date
    period_end: date
    overall: str
    summary: str
    publish: bool = False


class CorrectionIn(StatusFields):
    reason: str
    period_start: date | None = None
    period_end: date | None = None


class RiskOut(Schema):
    id: int
    title: str
    probability: str
    impact: str
    severity: str
    mitigation: str
    owner: str
    is_open: bool


class RiskIn(Schema):
    title: str
    probability: str = "medium"
    impact: str = "medium"
    mitigation: str = ""
    owner: str = ""


class BoardRowOut(Schema):
    project: str
    name: str
    reported: str | None
    evidence: str | None
    watermelon: bool
    watermelon_message: str
    as_of: datetime | None
    history: list[dict]


def _items(project, payload) -> tuple[list | None, list | None]:
    """Obstacles and decisions from the payload, parties looked up in the project's organisation."""
    ids = set()
    for o in payload.obstacles or []:
        ids.update(o.customer_ids)
    for d in payload.decisions or []:
        if d.needed_from_id:
            ids.add(d.needed_from_id)
    parties = {p.pk: p for p in Party.objects.filter(org=project.org, pk__in=ids)}
    if ids - set(parties):
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {"parties": ["Unknown party ids: " + ", ".join(map(str, sorted(ids - set(parties))))]}
        )
    obstacles = (
        None
        if payload.obstacles is None
        else [
            {"text": o.text, "impact": o.impact, "customers": [parties[i] for i in o.customer_ids]}
            for o in payload.obstacles
        ]
    )
    decisions = (
        None
        if payload.decisions is None
        else [
            {"text": d.text, "needed_from": parties.get(d.needed_from_id), "needed_by": d.needed_by}
            for d in payload.decisions
        ]
    )
    return obstacles, decisions


def _fields(payload, exclude=()) -> dict:
    data = payload.dict(
        exclude_unset=True, exclude={"obstacles", "decisions", "publish", "reason", *exclude}
    )
    return {k: v for k, v in data.items() if v is not None}


def _update(project, status_update_id) -> StatusUpdate:
    return selectors.status_get(project, status_update_id)


@router.get(
    "/projects/{project_id}/health", response=HealthOut, summary="Reported against evidence"
)
def project_health(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return project_health_now(project).to_dict()


@router.get("/projects/{project_id}/status-updates", response=list[StatusUpdateOut])
@paginate(LimitOffsetPagination)
def status_update_list(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.status_list(project).prefetch_related("obstacles__customers", "decisions")


@router.post(
    "/projects/{project_id}/status-updates",
    response={201: StatusUpdateOut},
    summary="Write a status update (a draft, or published with publish=true)",
)
def status_update_create(request, project_id: int, payload: StatusUpdateIn):
    project = access_project(request.user, project_id, "manage")
    obstacles, decisions = _items(project, payload)
    update = services.status_update_create(
        actor=request.user,
        project=project,
        obstacles=obstacles,
        decisions=decisions,
        publish=payload.publish,
        **_fields(payload),
    )
    return Status(201, _update(project, update.pk))


@router.get("/projects/{project_id}/status-updates/{status_update_id}", response=StatusUpdateOut)
def status_update_get(request, project_id: int, status_update_id: int):
    project = access_project(request.user, project_id, "view")
    return _update(project, status_update_id)


@router.post(
    "/projects/{project_id}/status-updates/{status_update_id}/publish",
    response=StatusUpdateOut,
    summary="Publish a draft (publishing a published update changes nothing)",
)
def status_update_publish(request, project_id: int, status_update_id: int):
    project = access_project(request.user, project_id, "manage")
    update = _update(project, status_update_id)
    if not update.is_published:
        services.status_update_publish(actor=request.user, update=update)
    return _update(project, status_update_id)


@router.post(
    "/projects/{project_id}/status-updates/{status_update_id}/corrections",
    response={201: StatusUpdateOut},
    summary="Publish a corrected version, with a reason (the original never changes)",
)
def status_update_correct(request, project_id: int, status_update_id: int, payload: CorrectionIn):
    project = access_project(request.user, project_id, "manage")
    update = _update(project, status_update_id)
    obstacles, decisions = _items(project, payload)
    correction = services.status_update_correct(
        actor=request.user,
        update=update,
        reason=payload.reason,
        obstacles=obstacles,
        decisions=decisions,
        **_fields(payload),
    )
    return Status(201, _update(project, correction.pk))


@router.get("/projects/{project_id}/risks", response=list[RiskOut])
def risk_list(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return list(selectors.risk_list(project))


@router.post("/projects/{project_id}/risks", response={201: RiskOut})
def risk_create(request, project_id: int, payload: RiskIn):
    project = access_project(request.user, project_id, "contribute")
    risk = services.risk_create(actor=request.user, project=project, **payload.dict())
    return Status(201, risk)


@router.post("/projects/{project_id}/risks/{risk_id}/close", response=RiskOut)
def risk_close(request, project_id: int, risk_id: int):
    project = access_project(request.user, project_id, "contribute")
    risk = Risk.objects.filter(project=project, pk=risk_id).first()
    if risk is None:
        raise Http404
    return services.risk_close(actor=request.user, risk=risk)


def _board_row_out(row) -> dict:
    return {
        "project": row.project.code,
        "name": row.project.name,
        "reported": (row.latest.reported or None) if row.latest else None,
        "evidence": (row.latest.evidence or None) if row.latest else None,
        "watermelon": bool(row.latest and row.latest.watermelon),
        "watermelon_message": row.latest.watermelon_message if row.latest else "",
        "as_of": row.latest.taken_at if row.latest else None,
        "history": [
            {
                "at": s.taken_at.isoformat(),
                "reported": s.reported or None,
                "evidence": s.evidence or None,
            }
            for s in row.history
        ],
    }


class _BoardPages:
    """The board's projects as the paginator reads them: a count, and the rows of one page
    built (latest snapshot and history) only for that page's projects."""

    def __init__(self, projects):
        self.projects = projects

    def __len__(self) -> int:
        return self.projects.count()

    def __getitem__(self, page: slice) -> list[dict]:
        return [_board_row_out(row) for row in selectors.board_rows(self.projects[page])]


@router.get(
    "/orgs/{slug}/board",
    response=list[BoardRowOut],
    summary="Reported against evidence, a page of projects",
)
@paginate(LimitOffsetPagination)
def org_board(
    request,
    slug: str,
    state: Literal["", *ProjectState.values] = "",
    colour: Literal["", "green", "amber", "red"] = "",
    watermelon: bool = False,
    manager: int | None = None,
):
    """The projects you can see, by code, with what was reported against what the evidence
    says. Filters as on the board page: `state` (cancelled projects only when asked for),
    `colour` (the evidence's: green, amber, red), `watermelon` (only those), `manager` (a user
    id). Pages with `limit` and `offset`."""
    org = access_org(request.user, slug, "member")
    return _BoardPages(
        selectors.board_projects(
            org,
            request.user,
            state=state,
            colour=colour,
            watermelon=watermelon,
            manager_id=manager,
        )
    )
