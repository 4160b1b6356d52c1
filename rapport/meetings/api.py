"""The meetings API: meetings with their invitees and attendance, invitations, the decision log,
actions, and the business attendance trend. Same services and selectors as the pages."""

import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_project
from rapport.comms.models import PlanRow
from rapport.stakeholders.models import ProjectStakeholder

from . import selectors, services
from .models import Invitee, Meeting

router = Router(tags=["meetings"])
User = get_user_model()

Kind = Literal["status", "other"]
AttendanceValue = Literal["unknown", "attended", "apologised", "absent"]
ActionStatusValue = Literal["open", "done", "dropped"]


# --- schemas ----------------------------------------------------------------------------------


class InviteeOut(Schema):
    id: int
    stakeholder_id: int
    party_id: int
    name: str
    email: str
    is_business: bool
    attendance: str

    @staticmethod
    def resolve_party_id(i):
        return i.stakeholder.party_id

    @staticmethod
    def resolve_name(i):
        return i.stakeholder.party.name

    @staticmethod
    def resolve_email(i):
        return i.stakeholder.party.email


class MeetingOut(Schema):
    id: int
    kind: str
    title: str
    starts_at: datetime.datetime
    duration_minutes: int
    location: str
    agenda: str
    minutes: str
    plan_row_id: int | None
    organizer_id: int | None
    ics_uid: str
    sequence: int
    invitations_sent_sequence: int | None


class MeetingDetailOut(MeetingOut):
    invitees: list[InviteeOut]

    @staticmethod
    def resolve_invitees(m):
        return list(selectors.meeting_invitees(m))


class MeetingPatch(Schema):
    kind: Kind = None
    title: str = Field(None, min_length=1, max_length=200)
    starts_at: datetime.datetime = None
    duration_minutes: int = Field(None, ge=5, le=720)
    location: str = Field(None, max_length=300)
    agenda: str = Field(None, max_length=20000)
    plan_row_id: int | None = None
    organizer_id: int | None = None


class MeetingIn(MeetingPatch):
    title: str = Field(..., min_length=1, max_length=200)
    starts_at: datetime.datetime
    invitee_stakeholder_ids: list[int] = Field(default_factory=list, max_length=1000)


class MinutesIn(Schema):
    minutes: str = Field(..., max_length=50000)


class InviteesIn(Schema):
    stakeholder_ids: list[int] = Field(..., max_length=1000)
    business_stakeholder_ids: list[int] | None = Field(None, max_length=1000)


class AttendanceItem(Schema):
    invitee_id: int
    attendance: AttendanceValue


class AttendanceIn(Schema):
    attendance: list[AttendanceItem] = Field(..., max_length=1000)


class InvitationsOut(Schema):
    sequence: int
    to: list[str]
    without_email: list[str]


class DecisionOut(Schema):
    id: int
    text: str
    decided_on: datetime.date
    decided_by: str
    decided_by_stakeholder_id: int | None
    decider: str
    why: str
    rejected_options: str
    meeting_id: int | None
    activity_id: int | None
    status_update_id: int | None


class DecisionPatch(Schema):
    text: str = Field(None, min_length=1, max_length=500)
    decided_on: datetime.date = None
    decided_by: str = Field(None, max_length=200)
    decided_by_stakeholder_id: int | None = None
    why: str = Field(None, max_length=20000)
    rejected_options: str = Field(None, max_length=20000)
    meeting_id: int | None = None
    activity_id: int | None = None
    status_update_id: int | None = None


class DecisionIn(DecisionPatch):
    text: str = Field(..., min_length=1, max_length=500)
    decided_on: datetime.date


class ActionOut(Schema):
    id: int
    text: str
    meeting_id: int | None
    owner_user_id: int | None
    owner_stakeholder_id: int | None
    owner_name: str
    due: datetime.date | None
    status: str
    closed_at: datetime.datetime | None


class ActionPatch(Schema):
    text: str = Field(None, min_length=1, max_length=500)
    meeting_id: int | None = None
    owner_user_id: int | None = None
    owner_stakeholder_id: int | None = None
    due: datetime.date | None = None
    status: ActionStatusValue = None


class ActionIn(ActionPatch):
    text: str = Field(..., min_length=1, max_length=500)


class PersonTrendOut(Schema):
    stakeholder_id: int
    party_id: int
    name: str
    invited: int
    attended: int
    missed: int
    marks: list[str | None]


class MeetingPresenceOut(Schema):
    meeting_id: int
    title: str
    starts_at: datetime.datetime
    business_invited: int
    business_attended: int


class AttendancePromptOut(Schema):
    stakeholder_id: int
    name: str
    missed: int
    of: int
    message: str


class TrendOut(Schema):
    invited: int
    attended: int
    missed: int
    share: float | None
    meetings: list[MeetingPresenceOut]
    people: list[PersonTrendOut]
    prompts: list[AttendancePromptOut]


# --- ids to objects ----------------------------------------------------------------------------


def _one(model, pk, field, what, **scope):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, **scope).first()
    if found is None:
        raise ValidationError({field: [f"No such {what} on this project."]})
    return found


def _meeting_fields(project, data: dict) -> dict:
    if "plan_row_id" in data:
        data["plan_row"] = _one(
            PlanRow, data.pop("plan_row_id"), "plan_row_id", "plan row", project=project
        )
    if "organizer_id" in data:
        user_id = data.pop("organizer_id")
        data["organizer"] = None
        if user_id is not None:
            data["organizer"] = User.objects.filter(
                pk=user_id, org_memberships__org=project.org
            ).first()
            if data["organizer"] is None:
                raise ValidationError({"organizer_id": ["No such person in this organisation."]})
    return data


def _stakeholders(project, ids, field):
    found = set(
        ProjectStakeholder.objects.filter(project=project, pk__in=ids).values_list("pk", flat=True)
    )
    missing = set(ids) - found
    if missing:
        raise ValidationError({field: [f"No such stakeholder on this project: {sorted(missing)}."]})
    return list(ids)


def _decision_fields(project, data: dict) -> dict:
    from rapport.raci.models import Activity
    from rapport.status.models import StatusUpdate

    links = (
        ("decided_by_stakeholder_id", "decided_by_stakeholder", ProjectStakeholder, "stakeholder"),
        ("meeting_id", "meeting", Meeting, "meeting"),
        ("activity_id", "activity", Activity, "activity"),
        ("status_update_id", "status_update", StatusUpdate, "status update"),
    )
    for key, name, model, what in links:
        if key in data:
            data[name] = _one(model, data.pop(key), key, what, project=project)
    return data


def _action_fields(project, data: dict) -> dict:
    if "meeting_id" in data:
        data["meeting"] = _one(
            Meeting, data.pop("meeting_id"), "meeting_id", "meeting", project=project
        )
    if "owner_stakeholder_id" in data:
        data["owner_stakeholder"] = _one(
            ProjectStakeholder,
            data.pop("owner_stakeholder_id"),
            "owner_stakeholder_id",
            "stakeholder",
            project=project,
        )
    if "owner_user_id" in data:
        user_id = data.pop("owner_user_id")
        data["owner_user"] = None
        if user_id is not None:
            data["owner_user"] = User.objects.filter(
                pk=user_id, org_memberships__org=project.org
            ).first()
            if data["owner_user"] is None:
                raise ValidationError({"owner_user_id": ["No such person in this organisation."]})
    return data


# --- meetings ---------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/meetings",
    response=list[MeetingOut],
    summary="The project's meetings, newest first",
)
@paginate(LimitOffsetPagination)
def meeting_index(request, project_id: int, kind: Kind | None = None):
    project = access_project(request.user, project_id, "view")
    return selectors.meeting_list(project, kind=kind)


@router.post(
    "/projects/{project_id}/meetings",
    response={201: MeetingDetailOut},
    summary="Schedule a status or other meeting, with its invitees",
)
def meeting_create(request, project_id: int, payload: MeetingIn):
    project = access_project(request.user, project_id, "contribute")
    data = payload.dict(exclude_unset=True)
    invitees = _stakeholders(
        project, data.pop("invitee_stakeholder_ids", []), "invitee_stakeholder_ids"
    )
    meeting = services.meeting_schedule(
        actor=request.user, project=project, invitees=invitees, **_meeting_fields(project, data)
    )
    return Status(201, selectors.meeting_get(project, meeting.pk))


@router.get(
    "/projects/{project_id}/meetings/{meeting_id}",
    response=MeetingDetailOut,
    summary="One meeting, with its invitees and their attendance",
)
def meeting_get(request, project_id: int, meeting_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.meeting_get(project, meeting_id)


@router.patch(
    "/projects/{project_id}/meetings/{meeting_id}",
    response=MeetingDetailOut,
    summary="Change a meeting; a new time, place or agenda is a new SEQUENCE (and an update to "
    "invitees already invited)",
)
def meeting_update(request, project_id: int, meeting_id: int, payload: MeetingPatch):
    project = access_project(request.user, project_id, "contribute")
    meeting = selectors.meeting_get(project, meeting_id)
    fields = _meeting_fields(project, payload.dict(exclude_unset=True))
    services.meeting_update(actor=request.user, meeting=meeting, **fields)
    return selectors.meeting_get(project, meeting_id)


@router.delete(
    "/projects/{project_id}/meetings/{meeting_id}",
    response={204: None},
    summary="Delete a meeting",
)
def meeting_delete(request, project_id: int, meeting_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.meeting_delete(actor=request.user, meeting=selectors.meeting_get(project, meeting_id))
    return Status(204, None)


@router.put(
    "/projects/{project_id}/meetings/{meeting_id}/invitees",
    response=list[InviteeOut],
    summary="Set who is invited (stakeholders of the project) and who is on the business side",
)
def meeting_invitees_set(request, project_id: int, meeting_id: int, payload: InviteesIn):
    project = access_project(request.user, project_id, "contribute")
    meeting = selectors.meeting_get(project, meeting_id)
    ids = _stakeholders(project, payload.stakeholder_ids, "stakeholder_ids")
    business = payload.business_stakeholder_ids
    if business is not None:
        business = set(_stakeholders(project, business, "business_stakeholder_ids"))
    services.meeting_invitees_set(
        actor=request.user, meeting=meeting, stakeholders=ids, business=business
    )
    return list(selectors.meeting_invitees(meeting))


@router.put(
    "/projects/{project_id}/meetings/{meeting_id}/attendance",
    response=list[InviteeOut],
    summary="Record who attended, apologised or was absent",
)
def meeting_attendance(request, project_id: int, meeting_id: int, payload: AttendanceIn):
    project = access_project(request.user, project_id, "contribute")
    meeting = selectors.meeting_get(project, meeting_id)
    wanted = {item.invitee_id: item.attendance for item in payload.attendance}
    if not Invitee.objects.filter(meeting=meeting, pk__in=list(wanted)).count() == len(wanted):
        raise ValidationError({"attendance": ["Record attendance of this meeting's invitees."]})
    services.attendance_record(actor=request.user, meeting=meeting, attendance=wanted)
    return list(selectors.meeting_invitees(meeting))


@router.put(
    "/projects/{project_id}/meetings/{meeting_id}/minutes",
    response=MeetingDetailOut,
    summary="Keep the meeting's minutes and notes",
)
def meeting_minutes(request, project_id: int, meeting_id: int, payload: MinutesIn):
    project = access_project(request.user, project_id, "contribute")
    meeting = selectors.meeting_get(project, meeting_id)
    services.minutes_record(actor=request.user, meeting=meeting, minutes=payload.minutes)
    return selectors.meeting_get(project, meeting_id)


@router.post(
    "/projects/{project_id}/meetings/{meeting_id}/invitations",
    response={202: InvitationsOut},
    summary="Send the invitation (an iCalendar REQUEST) to every invitee, once per SEQUENCE",
)
def meeting_invitations(request, project_id: int, meeting_id: int):
    project = access_project(request.user, project_id, "contribute")
    meeting = selectors.meeting_get(project, meeting_id)
    return Status(202, services.meeting_invitations_send(actor=request.user, meeting=meeting))


@router.get(
    "/projects/{project_id}/attendance-trend",
    response=TrendOut,
    summary="Business presence at the last status meetings, per meeting and per person, and "
    "who to ask what would make the meeting worth their time",
)
def attendance_trend(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    trend = selectors.attendance_trend(project)
    return {
        "invited": trend.invited,
        "attended": trend.attended,
        "missed": trend.missed,
        "share": trend.share,
        "meetings": [
            {
                "meeting_id": m.meeting.pk,
                "title": m.meeting.title,
                "starts_at": m.meeting.starts_at,
                "business_invited": m.business_invited,
                "business_attended": m.business_attended,
            }
            for m in trend.meetings
        ],
        "people": [
            {
                "stakeholder_id": p.stakeholder.pk,
                "party_id": p.stakeholder.party_id,
                "name": p.name,
                "invited": p.invited,
                "attended": p.attended,
                "missed": p.missed,
                "marks": p.marks,
            }
            for p in trend.people
        ],
        "prompts": [
            {
                "stakeholder_id": p.stakeholder.pk,
                "name": p.name,
                "missed": p.missed,
                "of": p.of,
                "message": p.message,
            }
            for p in selectors.attendance_prompts(project, trend=trend)
        ],
    }


# --- decisions --------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/decisions",
    response=list[DecisionOut],
    summary="The project's decision log, newest first",
)
@paginate(LimitOffsetPagination)
def decision_index(
    request, project_id: int, meeting_id: int | None = None, activity_id: int | None = None
):
    project = access_project(request.user, project_id, "view")
    return selectors.decision_list(project, meeting_id=meeting_id, activity_id=activity_id)


@router.post(
    "/projects/{project_id}/decisions",
    response={201: DecisionOut},
    summary="Log a decision: what, by whom, when, why, the options rejected, where it came from",
)
def decision_create(request, project_id: int, payload: DecisionIn):
    project = access_project(request.user, project_id, "contribute")
    fields = _decision_fields(project, payload.dict(exclude_unset=True))
    decision = services.decision_record(actor=request.user, project=project, **fields)
    return Status(201, selectors.decision_get(project, decision.pk))


@router.get(
    "/projects/{project_id}/decisions/{decision_id}", response=DecisionOut, summary="One decision"
)
def decision_get(request, project_id: int, decision_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.decision_get(project, decision_id)


@router.patch(
    "/projects/{project_id}/decisions/{decision_id}",
    response=DecisionOut,
    summary="Change a logged decision; only the fields sent change",
)
def decision_update(request, project_id: int, decision_id: int, payload: DecisionPatch):
    project = access_project(request.user, project_id, "contribute")
    decision = selectors.decision_get(project, decision_id)
    fields = _decision_fields(project, payload.dict(exclude_unset=True))
    services.decision_update(actor=request.user, decision=decision, **fields)
    return selectors.decision_get(project, decision_id)


@router.delete(
    "/projects/{project_id}/decisions/{decision_id}",
    response={204: None},
    summary="Remove a decision from the log",
)
def decision_delete(request, project_id: int, decision_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.decision_delete(
        actor=request.user, decision=selectors.decision_get(project, decision_id)
    )
    return Status(204, None)


# --- actions ----------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/actions",
    response=list[ActionOut],
    summary="The project's actions: open first, by due date",
)
@paginate(LimitOffsetPagination)
def action_index(
    request, project_id: int, status: ActionStatusValue | None = None, meeting_id: int | None = None
):
    project = access_project(request.user, project_id, "view")
    return selectors.action_list(project, status=status, meeting_id=meeting_id)


@router.post(
    "/projects/{project_id}/actions",
    response={201: ActionOut},
    summary="Agree an action: what, owner (a team member or a stakeholder), due date",
)
def action_create(request, project_id: int, payload: ActionIn):
    project = access_project(request.user, project_id, "contribute")
    fields = _action_fields(project, payload.dict(exclude_unset=True))
    action = services.action_create(actor=request.user, project=project, **fields)
    return Status(201, selectors.action_get(project, action.pk))


@router.get(
    "/projects/{project_id}/actions/{meeting_action_id}", response=ActionOut, summary="One action"
)
def action_get(request, project_id: int, meeting_action_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.action_get(project, meeting_action_id)


@router.patch(
    "/projects/{project_id}/actions/{meeting_action_id}",
    response=ActionOut,
    summary="Change an action (status done or dropped closes it)",
)
def action_update(request, project_id: int, meeting_action_id: int, payload: ActionPatch):
    project = access_project(request.user, project_id, "contribute")
    action = selectors.action_get(project, meeting_action_id)
    fields = _action_fields(project, payload.dict(exclude_unset=True))
    services.action_update(actor=request.user, action=action, **fields)
    return selectors.action_get(project, meeting_action_id)


@router.delete(
    "/projects/{project_id}/actions/{meeting_action_id}",
    response={204: None},
    summary="Delete an action",
)
def action_delete(request, project_id: int, meeting_action_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.action_delete(
        actor=request.user, action=selectors.action_get(project, meeting_action_id)
    )
    return Status(204, None)
