"""Communication API: the plan, "send now", deliveries, what is due, and load. The same services
as the pages and the CLI."""

from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_org, access_project
from rapport.projects.models import Project
from rapport.stakeholders.models import Category, Party

from . import delivery, informed, selectors, services
from .models import PlanRow

router = Router(tags=["communication"])
User = get_user_model()


class PlanRowOut(Schema):
    id: int
    audience_party_ids: list[int]
    audience_category_id: int | None
    recipients: list[str]
    comm_type: str
    channel: str
    rrule: str
    cadence: str
    start_date: date
    send_time: time
    duration_minutes: int
    owner_email: str | None
    purpose: str
    custom_intro: str
    active: bool


class PlanRowIn(Schema):
    audience_party_ids: list[int] = []
    audience_category_id: int | None = None
    comm_type: str = "simple"
    channel: str = "email"
    rrule: str
    start_date: date
    send_time: time = time(9, 0)
    duration_minutes: int = 30
    owner_email: str | None = None
    purpose: str = ""
    custom_intro: str = ""
    active: bool = True


class PlanRowPatch(Schema):
    audience_party_ids: list[int] | None = None
    audience_category_id: int | None = None
    comm_type: str | None = None
    channel: str | None = None
    rrule: str | None = None
    start_date: date | None = None
    send_time: time | None = None
    duration_minutes: int | None = None
    owner_email: str | None = None
    purpose: str | None = None
    custom_intro: str | None = None
    active: bool | None = None


class DeliveryOut(Schema):
    id: int
    key: str
    plan_row_id: int
    party_id: int
    party: str
    email: str
    occurrence: datetime
    manual: bool
    comm_type: str
    channel: str
    status_update_id: int | None
    status_update_version: int | None
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    maybe_duplicate: bool
    sent_at: datetime | None
    acknowledged_at: datetime | None
    rating: int | None

    @staticmethod
    def resolve_party(d):
        return d.party.name

    @staticmethod
    def resolve_status_update_version(d):
        return d.status_update.version if d.status_update_id else None

    @staticmethod
    def resolve_acknowledged_at(d):
        feedback = getattr(d, "feedback", None)
        return feedback.acknowledged_at if feedback else None

    @staticmethod
    def resolve_rating(d):
        feedback = getattr(d, "feedback", None)
        return feedback.rating if feedback else None


def _row_out(row, recipients) -> dict:
    return {
        "id": row.pk,
        "audience_party_ids": [p.pk for p in row.audience_parties.all()],
        "audience_category_id": row.audience_category_id,
        "recipients": [p.name for p in recipients],
        "comm_type": row.comm_type,
        "channel": row.channel,
        "rrule": row.rrule,
        "cadence": row.cadence,
        "start_date": row.start_date,
        "send_time": row.send_time,
        "duration_minutes": row.duration_minutes,
        "owner_email": row.owner.email if row.owner_id else None,
        "purpose": row.purpose,
        "custom_intro": row.custom_intro,
        "active": row.active,
    }


def _references(project, data: dict) -> dict:
    """Party ids, category id and owner e-mail of a payload as objects of the project's org."""
    refs = {}
    if data.get("audience_party_ids") is not None:
        ids = set(data.pop("audience_party_ids"))
        parties = list(Party.objects.filter(org=project.org, pk__in=ids))
        if len(parties) != len(ids):
            raise ValidationError(
                {"audience_party_ids": ["Unknown party ids for this organisation."]}
            )
        refs["audience_parties"] = parties
    else:
        data.pop("audience_party_ids", None)
    if "audience_category_id" in data:
        category_id = data.pop("audience_category_id")
        category = None
        if category_id is not None:
            category = Category.objects.filter(org=project.org, pk=category_id).first()
            if category is None:
                raise ValidationError(
                    {"audience_category_id": ["Unknown category for this organisation."]}
                )
        refs["audience_category"] = category
    if "owner_email" in data:
        email = data.pop("owner_email")
        owner = None
        if email:
            owner = User.objects.filter(email__iexact=email).first()
            if owner is None:
                raise ValidationError({"owner_email": [f"{email} has no account."]})
        data["owner"] = owner
    return refs


def _row_response(project, row_id):
    row = selectors.plan_row_get(project, row_id)
    return _row_out(row, selectors.row_recipients(row))


@router.get(
    "/projects/{project_id}/comms/plan", response=list[PlanRowOut], summary="The communication plan"
)
def plan_list(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    rows = list(selectors.plan_rows(project))
    recipients = selectors.recipients_by_row(rows)
    return [_row_out(row, recipients[row.pk]) for row in rows]


@router.post("/projects/{project_id}/comms/plan", response={201: PlanRowOut})
def plan_create(request, project_id: int, payload: PlanRowIn):
    project = access_project(request.user, project_id, "manage")
    data = payload.dict()
    refs = _references(project, data)
    row = services.plan_row_create(actor=request.user, project=project, **refs, **data)
    return Status(201, _row_response(project, row.pk))


@router.patch("/projects/{project_id}/comms/plan/{plan_row_id}", response=PlanRowOut)
def plan_patch(request, project_id: int, plan_row_id: int, payload: PlanRowPatch):
    project = access_project(request.user, project_id, "manage")
    row = selectors.plan_row_get(project, plan_row_id)
    data = payload.dict(exclude_unset=True)
    refs = _references(project, data)
    services.plan_row_update(actor=request.user, row=row, **refs, **data)
    return _row_response(project, row.pk)


@router.delete(
    "/projects/{project_id}/comms/plan/{plan_row_id}",
    response={204: None},
    summary="Remove a row (one that sent reports is switched off instead)",
)
def plan_delete(request, project_id: int, plan_row_id: int):
    project = access_project(request.user, project_id, "manage")
    services.plan_row_delete(actor=request.user, row=selectors.plan_row_get(project, plan_row_id))
    return Status(204, None)


@router.post(
    "/projects/{project_id}/comms/plan/{plan_row_id}/send-now",
    response={202: list[DeliveryOut]},
    summary="Send the row's report to its recipients now (exactly once each)",
)
def plan_send_now(request, project_id: int, plan_row_id: int):
    project = access_project(request.user, project_id, "manage")
    row = selectors.plan_row_get(project, plan_row_id)
    deliveries = services.report_send_now(actor=request.user, row=row)
    return Status(
        202, list(selectors.delivery_list(project).filter(pk__in=[d.pk for d in deliveries]))
    )


@router.get("/projects/{project_id}/comms/deliveries", response=list[DeliveryOut])
@paginate(LimitOffsetPagination)
def delivery_list(request, project_id: int, state: str = ""):
    project = access_project(request.user, project_id, "view")
    return selectors.delivery_list(project, state=state)


@router.get("/projects/{project_id}/comms/due", summary="What is due at a moment (nothing is sent)")
def comms_due(request, project_id: int, at: datetime | None = None):
    project = access_project(request.user, project_id, "view")
    at = at or timezone.now()
    if at.tzinfo is None:
        raise ValidationError({"at": ["Give a time zone, e.g. 2026-10-05T07:00Z."]})
    return {"at": at, "due": delivery.comms_due(at=at, project=project)}


class CommentOut(Schema):
    id: int
    delivery_id: int
    party_id: int
    party: str
    comment: str
    commented_at: datetime
    state: str  # awaiting, replied, acted-on, closed
    reply: str
    replied_at: datetime | None
    replied_by: str | None
    acted_on_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_party(f):
        return f.party.name

    @staticmethod
    def resolve_state(f):
        return f.comment_state

    @staticmethod
    def resolve_replied_by(f):
        return f.replied_by.email if f.replied_by else None


class ReplyIn(Schema):
    reply: str


@router.get(
    "/projects/{project_id}/comms/comments",
    response=list[CommentOut],
    summary="Portal comments, newest first (state: awaiting, or unanswered after `days` days)",
)
@paginate(LimitOffsetPagination)
def comment_list(request, project_id: int, state: str = "", days: int | None = None):
    project = access_project(request.user, project_id, "view")
    if state not in selectors.COMMENT_FILTERS:
        raise ValidationError({"state": ["Use awaiting or unanswered (or nothing for all)."]})
    if days is not None and not 1 <= days <= 3650:
        raise ValidationError({"days": ["Give a number of days from 1 to 3650."]})
    return selectors.comment_list(project, state=state, days=days)


def _comment_out(project, feedback_id):
    return selectors.comment_list(project).get(pk=feedback_id)


@router.post(
    "/projects/{project_id}/comms/comments/{feedback_id}/reply",
    response=CommentOut,
    summary="Reply to a comment (the stakeholder reads it in their portal)",
)
def comment_reply(request, project_id: int, feedback_id: int, payload: ReplyIn):
    project = access_project(request.user, project_id, "manage")
    feedback = selectors.comment_get(project, feedback_id)
    services.comment_reply(actor=request.user, feedback=feedback, text=payload.reply)
    return _comment_out(project, feedback_id)


@router.post(
    "/projects/{project_id}/comms/comments/{feedback_id}/acted-on",
    response=CommentOut,
    summary="Mark a comment as acted on",
)
def comment_acted_on(request, project_id: int, feedback_id: int):
    project = access_project(request.user, project_id, "manage")
    services.comment_acted_on(
        actor=request.user, feedback=selectors.comment_get(project, feedback_id)
    )
    return _comment_out(project, feedback_id)


@router.post(
    "/projects/{project_id}/comms/comments/{feedback_id}/close",
    response=CommentOut,
    summary="Close the loop on a comment",
)
def comment_close(request, project_id: int, feedback_id: int):
    project = access_project(request.user, project_id, "manage")
    services.comment_close(actor=request.user, feedback=selectors.comment_get(project, feedback_id))
    return _comment_out(project, feedback_id)


def _load_out(report: dict) -> dict:
    return {
        "threshold": report["threshold"],
        "weeks": report["weeks"],
        "load": report["load"],
        "findings": [f.to_dict() for f in report["findings"]],
    }


@router.get(
    "/orgs/{slug}/comms/load",
    summary="Communications per week per recipient, and findings (optionally for one project)",
)
def comms_load(request, slug: str, project: str = ""):
    org = access_org(request.user, slug, "owner")
    one = None
    if project:
        one = Project.objects.filter(org=org, code=project.strip().upper()).first()
        if one is None:
            raise ValidationError({"project": [f"{org.name} has no project {project.upper()}."]})
    return _load_out(selectors.load_report(org, project=one))


@router.get(
    "/projects/{project_id}/comms/load",
    summary="The load the project's plan page shows: per recipient, and findings",
)
def project_comms_load(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return _load_out(selectors.load_report(project.org, project=project))


# --- Informed in the RACI, not in the plan ---------------------------------------------------------


class InformedOut(Schema):
    party_id: int
    name: str
    informed_on: list[str]
    key_customer: bool
    reason: str
    suggested_plan_row_id: int | None


def _informed_out(project) -> list[dict]:
    return [
        {
            "party_id": item.party.pk,
            "name": item.party.name,
            "informed_on": item.informed_on,
            "key_customer": item.key_customer,
            "reason": item.reason,
            "suggested_plan_row_id": item.suggested.pk if item.suggested else None,
        }
        for item in informed.informed_without_plan(project)
    ]


@router.get(
    "/projects/{project_id}/comms/informed",
    response=list[InformedOut],
    summary="Parties Informed in the RACI (and key customers) who get nothing from the plan",
)
def informed_list(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return _informed_out(project)


@router.put(
    "/projects/{project_id}/comms/plan/{plan_row_id}/audience/{party_id}",
    response=list[InformedOut],
    summary="Add a party to a plan row's audience; answers who is Informed but still not reached",
)
def plan_audience_add(request, project_id: int, plan_row_id: int, party_id: int):
    project = access_project(request.user, project_id, "manage")
    row = PlanRow.objects.filter(project=project, pk=plan_row_id).first()
    if row is None:
        raise Http404(f"No plan row {plan_row_id} in this project.")
    party = Party.objects.filter(org_id=project.org_id, pk=party_id).first()
    if party is None:
        raise Http404(f"No party {party_id} in the register.")
    informed.plan_audience_add(actor=request.user, project=project, row=row, party=party)
    return _informed_out(project)
