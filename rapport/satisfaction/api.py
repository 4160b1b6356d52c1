"""The satisfaction API: pulses (list, record one given by phone, delete) and the trends per
project and per stakeholder. Same services and selectors as the pages."""

import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_project
from rapport.stakeholders.models import ProjectStakeholder

from . import selectors, services

router = Router(tags=["satisfaction"])


class PulseOut(Schema):
    id: int
    stakeholder_id: int
    party_name: str
    score: int
    comment: str
    given_at: datetime.datetime
    about: str
    interaction_id: int | None
    meeting_id: int | None
    delivery_id: int | None
    source: str
    recorded_by_id: int | None

    @staticmethod
    def resolve_party_name(p):
        return p.stakeholder.party.name

    @staticmethod
    def resolve_about(p):
        return p.about_text


class PulseIn(Schema):
    stakeholder_id: int
    score: int = Field(..., description="1 (very unhappy) to 5 (very happy)")
    comment: str = Field("", max_length=5000)
    given_at: datetime.datetime | None = None
    interaction_id: int | None = None
    meeting_id: int | None = None


class StakeholderTrendOut(Schema):
    stakeholder_id: int
    name: str
    key_customer: bool
    scores: list[int]
    pulses: int
    latest: float | None
    average: float | None
    direction: str
    change: float | None


class MonthOut(Schema):
    month: datetime.date
    average: float
    pulses: int


class SatisfactionOut(Schema):
    months: list[MonthOut]
    direction: str
    stakeholders: list[StakeholderTrendOut]
    key_customer_pulses: dict[str, list[int]] | None


@router.get(
    "/projects/{project_id}/pulses",
    response=list[PulseOut],
    summary="Satisfaction pulses, newest first",
)
@paginate(LimitOffsetPagination)
def pulse_index(request, project_id: int, stakeholder_id: int | None = None):
    project = access_project(request.user, project_id, "view")
    return selectors.pulse_list(project, stakeholder_id=stakeholder_id)


def _about(project, payload: dict):
    from rapport.meetings.models import Meeting
    from rapport.relations.models import Interaction

    interaction_id, meeting_id = payload.get("interaction_id"), payload.get("meeting_id")
    if interaction_id is not None and meeting_id is not None:
        raise ValidationError({"about": ["A pulse is about one thing at most."]})
    if interaction_id is not None:
        found = Interaction.objects.filter(project=project, pk=interaction_id).first()
        if found is None:
            raise ValidationError({"interaction_id": ["No such interaction on this project."]})
        return found
    if meeting_id is not None:
        found = Meeting.objects.filter(project=project, pk=meeting_id).first()
        if found is None:
            raise ValidationError({"meeting_id": ["No such meeting on this project."]})
        return found
    return None


@router.post(
    "/projects/{project_id}/pulses",
    response={201: PulseOut},
    summary="Record a pulse a stakeholder gave by phone or in person",
)
def pulse_create(request, project_id: int, payload: PulseIn):
    project = access_project(request.user, project_id, "contribute")
    data = payload.dict()
    stakeholder = ProjectStakeholder.objects.filter(
        project=project, pk=data["stakeholder_id"]
    ).first()
    if stakeholder is None:
        raise ValidationError({"stakeholder_id": ["No such stakeholder on this project."]})
    pulse = services.pulse_record(
        actor=request.user,
        project=project,
        stakeholder=stakeholder,
        score=data["score"],
        comment=data["comment"],
        given_at=data["given_at"],
        about=_about(project, data),
    )
    return Status(201, selectors.pulse_get(project, pulse.pk))


@router.delete(
    "/projects/{project_id}/pulses/{pulse_id}",
    response={204: None},
    summary="Delete a pulse",
)
def pulse_delete(request, project_id: int, pulse_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.pulse_delete(actor=request.user, pulse=selectors.pulse_get(project, pulse_id))
    return Status(204, None)


@router.get(
    "/projects/{project_id}/satisfaction",
    response=SatisfactionOut,
    summary="Satisfaction trends: the project per month and each stakeholder's pulses",
)
def satisfaction_trends(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    overall = selectors.project_trend(project)
    return {
        "months": [{"month": m, "average": a, "pulses": n} for m, a, n in overall.months],
        "direction": overall.trend.direction,
        "stakeholders": [
            {
                "stakeholder_id": row.stakeholder.pk,
                "name": row.stakeholder.party.name,
                "key_customer": row.key,
                "scores": list(row.trend.scores),
                "pulses": row.count,
                "latest": row.trend.last,
                "average": row.trend.average,
                "direction": row.trend.direction,
                "change": row.trend.change,
            }
            for row in selectors.stakeholder_trends(project)
        ],
        "key_customer_pulses": selectors.key_customer_pulses(project),
    }
