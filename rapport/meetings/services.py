"""Every write about meetings, decisions and actions: keyword-only, atomic, validated, audited.

Invitations are sent after the transaction commits (``transaction.on_commit``), through the
exactly-once invitation queue (rapport.meetings.invitations).
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.lib.audit import acting_as
from rapport.lib.validation import refuse_unknown_fields, strip_text_fields, validated_save
from rapport.stakeholders.models import ProjectStakeholder

from .models import (
    Action,
    ActionStatus,
    Attendance,
    Decision,
    Invitee,
    Meeting,
    MeetingKind,
)

MEETING_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "duration_minutes",
    "location",
    "agenda",
    "plan_row",
    "organizer",
)
# A change to one of these moves the meeting in the invitees' calendars: a new SEQUENCE.
CALENDAR_FIELDS = ("title", "starts_at", "duration_minutes", "location", "agenda")
DECISION_FIELDS = (
    "text",
    "decided_by",
    "decided_by_stakeholder",
    "decided_on",
    "why",
    "rejected_options",
    "meeting",
    "activity",
    "status_update",
)
ACTION_FIELDS = ("text", "meeting", "owner_user", "owner_stakeholder", "due", "status")


def _check_aware(starts_at) -> None:
    if isinstance(starts_at, datetime) and timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": ["Give the start with its time zone."]})


def _check_person(project, user, field: str) -> None:
    if user is None:
        return
    if not user.org_memberships.filter(org_id=project.org_id).exists():
        raise ValidationError({field: ["Choose someone in this organisation."]})


# --- meetings ---------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    actor,
    project,
    title: str,
    starts_at: datetime,
    kind: str = MeetingKind.STATUS,
    duration_minutes: int = 30,
    location: str = "",
    agenda: str = "",
    plan_row=None,
    organizer=None,
    invitees=None,
) -> Meeting:
    """Schedule a status or other meeting; ``invitees`` (the project's stakeholders) are invited.
    Nothing is e-mailed until :func:`meeting_invitations_send`."""
    _check_aware(starts_at)
    organizer = organizer if organizer is not None else actor
    if organizer is not None and not getattr(organizer, "is_authenticated", False):
        organizer = None
    _check_person(project, organizer, "organizer")
    meeting = Meeting(
        project=project,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        plan_row=plan_row,
        organizer=organizer,
        **strip_text_fields({"title": title, "location": location, "agenda": agenda}),
    )
    if not invitees and plan_row is not None:
        invitees = _plan_row_audience(project, plan_row)
    with acting_as(actor):
        validated_save(meeting)
        if invitees:
            _invitees_set(meeting, invitees)
    return meeting


def _plan_row_audience(project, plan_row) -> list:
    """The stakeholders of the project a communication-plan row is addressed to."""
    from rapport.comms.selectors import row_recipients

    if plan_row.project_id != project.pk:
        return []  # the model refuses the row with its own words
    parties = [party.pk for party in row_recipients(plan_row)]
    return list(ProjectStakeholder.objects.filter(project=project, party_id__in=parties))


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, **fields) -> Meeting:
    """Change a meeting; only the fields given change. When what calendars show changes (time,
    length, place, title, agenda) the SEQUENCE grows, and if invitations went out already the
    invitees get the update (after commit)."""
    refuse_unknown_fields(fields, MEETING_FIELDS, "meeting")
    if "starts_at" in fields:
        _check_aware(fields["starts_at"])
    if "organizer" in fields:
        _check_person(meeting.project, fields["organizer"], "organizer")
    project = meeting.project
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.project = project
    fields = strip_text_fields(fields)
    moved = any(
        name in fields and getattr(meeting, name) != fields[name] for name in CALENDAR_FIELDS
    )
    for name, value in fields.items():
        setattr(meeting, name, value)
    if moved:
        meeting.sequence += 1
    with acting_as(actor):
        validated_save(meeting)
    if moved and meeting.invitations_sent_sequence is not None:
        _send_after_commit(meeting)
    return meeting


@transaction.atomic
def meeting_delete(*, actor, meeting: Meeting) -> None:
    """Delete a meeting; its decisions and actions stay in the logs, without the link."""
    with acting_as(actor):
        meeting.delete()


def _stakeholders_of(project, stakeholders) -> list:
    ids = {s.pk if isinstance(s, ProjectStakeholder) else int(s) for s in stakeholders}
    found = {
        s.pk: s
        for s in ProjectStakeholder.objects.filter(project=project, pk__in=ids).select_related(
            "party"
        )
    }
    if len(found) != len(ids):
        raise ValidationError({"invitees": ["Choose stakeholders of this project."]})
    return [found[i] for i in sorted(ids)]


def _invitees_set(meeting: Meeting, stakeholders, business: set | None = None) -> list[Invitee]:
    chosen = _stakeholders_of(meeting.project, stakeholders)
    chosen_ids = {s.pk for s in chosen}
    existing = {i.stakeholder_id: i for i in meeting.invitees.all()}
    for invitee in existing.values():
        if invitee.stakeholder_id not in chosen_ids:
            invitee.delete()
    out = []
    for stakeholder in chosen:
        is_business = (
            stakeholder.pk in business if business is not None else stakeholder.is_customer
        )
        invitee = existing.get(stakeholder.pk)
        if invitee is None:
            invitee = Invitee(meeting=meeting, stakeholder=stakeholder, is_business=is_business)
            try:
                with transaction.atomic():
                    invitee.save()
            except IntegrityError:
                raise ValidationError(
                    {"invitees": [f"{stakeholder.party.name} is invited already."]}
                ) from None
        elif business is not None and invitee.is_business != is_business:
            invitee.is_business = is_business
            invitee.save()
        out.append(invitee)
    return out


@transaction.atomic
def meeting_invitees_set(
    *, actor, meeting: Meeting, stakeholders, business: set | None = None
) -> list[Invitee]:
    """Make the invitees exactly ``stakeholders`` (of the meeting's project). ``business``: the
    ids of those on the business side; when None, new invitees are marked business when they are
    customers of the project, and existing ones keep their mark. Attendance already recorded for
    those who stay is kept."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("project").get(pk=meeting.pk)
    )
    with acting_as(actor):
        return _invitees_set(meeting, stakeholders, business)


@transaction.atomic
def attendance_record(*, actor, meeting: Meeting, attendance: dict) -> int:
    """Record who came: ``attendance`` maps invitee ids (or Invitee objects) to attended,
    apologised, absent or unknown. Returns how many changed."""
    allowed = set(Attendance.values)
    wanted = {}
    for key, value in attendance.items():
        invitee_id = key.pk if isinstance(key, Invitee) else int(key)
        if value not in allowed:
            raise ValidationError(
                {"attendance": [f"Choose one of: {', '.join(sorted(allowed))} (not {value!r})."]}
            )
        wanted[invitee_id] = value
    invitees = {
        i.pk: i
        for i in Invitee.objects.select_for_update(of=("self",)).filter(
            meeting=meeting, pk__in=list(wanted)
        )
    }
    if len(invitees) != len(wanted):
        raise ValidationError({"attendance": ["Record attendance of this meeting's invitees."]})
    changed = 0
    with acting_as(actor):
        for invitee_id, value in wanted.items():
            invitee = invitees[invitee_id]
            if invitee.attendance != value:
                invitee.attendance = value
                invitee.meeting = meeting
                invitee.save(update_fields=["attendance"])
                changed += 1
    return changed


@transaction.atomic
def minutes_record(*, actor, meeting: Meeting, minutes: str) -> Meeting:
    """Keep the meeting's minutes and notes (they are not sent to calendars)."""
    project = meeting.project
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.project = project
    meeting.minutes = (minutes or "").strip()
    with acting_as(actor):
        validated_save(meeting)
    return meeting


def _send_after_commit(meeting: Meeting) -> None:
    from . import invitations

    def send():
        invitations.invitations_create(meeting)
        invitations.invitations_process(meeting_id=meeting.pk)

    transaction.on_commit(send)


@transaction.atomic
def meeting_invitations_send(*, actor, meeting: Meeting) -> dict:
    """Send the invitation (an iCalendar REQUEST) to every invitee with an e-mail address, once
    per invitee and SEQUENCE: asking twice sends nothing more. Sent after commit; returns how
    many will go and who has no address."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("project").get(pk=meeting.pk)
    )
    invitees = list(meeting.invitees.select_related("stakeholder__party"))
    if not invitees:
        raise ValidationError({"invitees": ["Invite someone first."]})
    with acting_as(actor):
        _send_after_commit(meeting)
    return {
        "sequence": meeting.sequence,
        "to": [i.stakeholder.party.name for i in invitees if i.stakeholder.party.email],
        "without_email": [
            i.stakeholder.party.name for i in invitees if not i.stakeholder.party.email
        ],
    }


# --- decisions --------------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    actor,
    project,
    text: str,
    decided_on: date,
    decided_by: str = "",
    decided_by_stakeholder=None,
    why: str = "",
    rejected_options: str = "",
    meeting=None,
    activity=None,
    status_update=None,
) -> Decision:
    """Log a decision: what, by whom, when, why, the options rejected, and where it came from."""
    decision = Decision(
        project=project,
        decided_on=decided_on,
        decided_by_stakeholder=decided_by_stakeholder,
        meeting=meeting,
        activity=activity,
        status_update=status_update,
        **strip_text_fields(
            {
                "text": text,
                "decided_by": decided_by,
                "why": why,
                "rejected_options": rejected_options,
            }
        ),
    )
    with acting_as(actor):
        validated_save(decision)
    return decision


@transaction.atomic
def decision_update(*, actor, decision: Decision, **fields) -> Decision:
    """Change a logged decision; only the fields given change (the history keeps the old words)."""
    refuse_unknown_fields(fields, DECISION_FIELDS, "decision")
    project = decision.project
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    decision.project = project
    for name, value in strip_text_fields(fields).items():
        setattr(decision, name, value)
    with acting_as(actor):
        validated_save(decision)
    return decision


@transaction.atomic
def decision_delete(*, actor, decision: Decision) -> None:
    """Remove a decision from the log (the history keeps what it said)."""
    with acting_as(actor):
        decision.delete()


# --- actions ----------------------------------------------------------------------------------


def _closing(action: Action, status: str) -> None:
    if status == ActionStatus.OPEN:
        action.closed_at = None
    elif action.closed_at is None:
        action.closed_at = timezone.now()


@transaction.atomic
def action_create(
    *,
    actor,
    project,
    text: str,
    meeting=None,
    owner_user=None,
    owner_stakeholder=None,
    due: date | None = None,
    status: str = ActionStatus.OPEN,
) -> Action:
    """Agree an action: what to do, who owns it (a team member or a stakeholder), by when."""
    _check_person(project, owner_user, "owner_user")
    action = Action(
        project=project,
        meeting=meeting,
        text=(text or "").strip(),
        owner_user=owner_user,
        owner_stakeholder=owner_stakeholder,
        due=due,
        status=status,
    )
    _closing(action, status)
    with acting_as(actor):
        validated_save(action)
    return action


@transaction.atomic
def action_update(*, actor, action: Action, **fields) -> Action:
    """Change an action; only the fields given change."""
    refuse_unknown_fields(fields, ACTION_FIELDS, "action")
    project = action.project
    if "owner_user" in fields:
        _check_person(project, fields["owner_user"], "owner_user")
    action = Action.objects.select_for_update().get(pk=action.pk)
    action.project = project
    for name, value in strip_text_fields(fields).items():
        setattr(action, name, value)
    if "status" in fields:
        _closing(action, fields["status"])
    with acting_as(actor):
        validated_save(action)
    return action


@transaction.atomic
def action_close(*, actor, action: Action, status: str = ActionStatus.DONE) -> Action:
    """Close an action as done or dropped."""
    if status not in (ActionStatus.DONE, ActionStatus.DROPPED):
        raise ValidationError({"status": ["Close an action as done or dropped."]})
    return action_update(actor=actor, action=action, status=status)


@transaction.atomic
def action_delete(*, actor, action: Action) -> None:
    """Delete an action (the history keeps what it said)."""
    with acting_as(actor):
        action.delete()
