"""The interactions API: list, record, change and delete interactions, and the key customers not
heard from. Same services and selectors as the pages."""

import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_project
from rapport.stakeholders.models import ProjectStakeholder

from . import selectors, services

router = Router(tags=["relations"])
User = get_user_model()

Kind = Literal["call", "visit", "workshop", "email", "meeting"]


class InteractionOut(Schema):
    id: int
    stakeholder_id: int
    party_id: int
    party_name: str
    kind: str
    date: datetime.date
    team_member_id: int | None
    team_member_name: str | None
    subject: str
    notes: str
    follow_up: str
    follow_up_due: datetime.date | None
    follow_up_done: bool

    @staticmethod
    def resolve_party_id(i):
        return i.stakeholder.party_id

    @staticmethod
    def resolve_party_name(i):
        return i.stakeholder.party.name

    @staticmethod
    def resolve_team_member_name(i):
        return i.team_member.display_name if i.team_member else None


class InteractionPatch(Schema):
    stakeholder_id: int = None
    kind: Kind = None
    date: datetime.date = None
    team_member_id: int | None = None
    subject: str = Field(None, min_length=1, max_length=200)
    notes: str = Field(None, max_length=20000)
    follow_up: str = Field(None, max_length=300)
    follow_up_due: datetime.date | None = None
    follow_up_done: bool = None


class InteractionIn(InteractionPatch):
    stakeholder_id: int
    kind: Kind
    date: datetime.date
    subject: str = Field(..., min_length=1, max_length=200)


class NotHeardFromOut(Schema):
    stakeholder_id: int
    party_id: int
    name: str
    power: int | None
    interest: int | None
    last_contact: datetime.date | None


class NotHeardFromListOut(Schema):
    weeks: int
    stakeholders: list[NotHeardFromOut]


def _fields(project, data: dict) -> dict:
    """The payload as service fields: ids become the project's stakeholder and a person."""
    if "stakeholder_id" in data:
        stakeholder = ProjectStakeholder.objects.filter(
            project=project, pk=data.pop("stakeholder_id")
        ).first()
        if stakeholder is None:
            raise ValidationError({"stakeholder_id": ["No such stakeholder on this project."]})
        data["stakeholder"] = stakeholder
    if "team_member_id" in data:
        user_id = data.pop("team_member_id")
        user = None
        if user_id is not None:
            user = User.objects.filter(pk=user_id, org_memberships__org=project.org).first()
            if user is None:
                raise ValidationError({"team_member_id": ["No such person in this organisation."]})
        data["team_member"] = user
    return data


@router.get(
    "/projects/{project_id}/interactions",
    response=list[InteractionOut],
    summary="Interactions with the project's stakeholders, newest first",
)
@paginate(LimitOffsetPagination)
def interaction_index(request, project_id: int, stakeholder_id: int | None = None):
    project = access_project(request.user, project_id, "view")
    return selectors.interaction_list(project, stakeholder_id=stakeholder_id)


@router.post(
    "/projects/{project_id}/interactions",
    response={201: InteractionOut},
    summary="Record a call, visit, workshop, e-mail or meeting with a stakeholder",
)
def interaction_create(request, project_id: int, payload: InteractionIn):
    project = access_project(request.user, project_id, "contribute")
    fields = _fields(project, payload.dict(exclude_unset=True))
    interaction = services.interaction_record(actor=request.user, project=project, **fields)
    return Status(201, selectors.interaction_get(project, interaction.pk))


@router.get(
    "/projects/{project_id}/interactions/{interaction_id}",
    response=InteractionOut,
    summary="One interaction",
)
def interaction_get(request, project_id: int, interaction_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.interaction_get(project, interaction_id)


@router.patch(
    "/projects/{project_id}/interactions/{interaction_id}",
    response=InteractionOut,
    summary="Change an interaction; only the fields sent change",
)
def interaction_update(request, project_id: int, interaction_id: int, payload: InteractionPatch):
    project = access_project(request.user, project_id, "contribute")
    interaction = selectors.interaction_get(project, interaction_id)
    fields = _fields(project, payload.dict(exclude_unset=True))
    services.interaction_update(actor=request.user, interaction=interaction, **fields)
    return selectors.interaction_get(project, interaction_id)


@router.delete(
    "/projects/{project_id}/interactions/{interaction_id}",
    response={204: None},
    summary="Delete an interaction",
)
def interaction_delete(request, project_id: int, interaction_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.interaction_delete(
        actor=request.user, interaction=selectors.interaction_get(project, interaction_id)
    )
    return Status(204, None)


@router.get(
    "/projects/{project_id}/not-heard-from",
    response=NotHeardFromListOut,
    summary="Key customers (power or interest 4+) with no interaction in N weeks",
)
def not_heard_from(request, project_id: int, weeks: int | None = None):
    project = access_project(request.user, project_id, "view")
    if weeks is not None and not 1 <= weeks <= 520:
        raise ValidationError({"weeks": ["Use 1 to 520 weeks."]})
    weeks = weeks or selectors.not_heard_from_weeks()
    return {
        "weeks": weeks,
        "stakeholders": [
            {
                "stakeholder_id": s.pk,
                "party_id": s.party_id,
                "name": s.party.name,
                "power": s.power,
                "interest": s.interest,
                "last_contact": s.last_contact,
            }
            for s in selectors.not_heard_from(project, weeks=weeks)
        ],
    }
