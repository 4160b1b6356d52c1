"""Reads of meetings that pages, API, reports and the status evidence share."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404
from django.utils import timezone

from rapport.stakeholders.models import ProjectStakeholder

from .models import MISSED, Action, ActionStatus, Attendance, Decision, Invitee, Meeting

# The attendance trend looks at this many status meetings; the prompt at a person's last few.
TREND_MEETINGS = 12
PROMPT_LAST = 3
PROMPT_MISSED = 2


def business_attendance_evidence(
    project, *, window: int, now: datetime
) -> tuple[int | None, int | None]:
    """Over the last ``window`` status meetings of the project held before ``now``: how many
    invitations went to the business side, and how many of those were not attended (apologised
    or absent). (None, None) when no such meeting was held."""
    held = list(
        Meeting.objects.filter(project=project, kind="status", starts_at__lt=now)
        .order_by("-starts_at", "-pk")
        .values_list("pk", flat=True)[: max(1, int(window))]
    )
    if not held:
        return None, None
    counts = Invitee.objects.filter(meeting_id__in=held, is_business=True).aggregate(
        invited=Count("pk"), missed=Count("pk", filter=Q(attendance__in=MISSED))
    )
    return counts["invited"], counts["missed"]


# --- meetings ---------------------------------------------------------------------------------


def meeting_list(project, *, kind: str | None = None):
    """The project's meetings, newest first, with how many were invited and came."""
    meetings = (
        Meeting.objects.filter(project=project)
        .select_related("plan_row")
        .annotate(
            invited_count=Count("invitees", distinct=True),
            attended_count=Count(
                "invitees", filter=Q(invitees__attendance=Attendance.ATTENDED), distinct=True
            ),
        )
    )
    if kind:
        meetings = meetings.filter(kind=kind)
    return meetings.order_by("-starts_at", "-pk")


def meeting_get(project, meeting_id) -> Meeting:
    meeting = (
        Meeting.objects.filter(project=project, pk=meeting_id)
        .select_related("project__org", "organizer", "plan_row")
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def meeting_invitees(meeting):
    return (
        Invitee.objects.filter(meeting=meeting)
        .select_related("stakeholder__party")
        .order_by("-is_business", "stakeholder__party__name", "pk")
    )


def meeting_choices(project):
    return Meeting.objects.filter(project=project).order_by("-starts_at", "-pk")


def stakeholder_choices(project):
    return (
        ProjectStakeholder.objects.filter(project=project)
        .select_related("party")
        .order_by("party__name", "pk")
    )


# --- decisions --------------------------------------------------------------------------------


def decision_list(project, *, meeting_id: int | None = None, activity_id: int | None = None):
    """The project's decision log, newest first, optionally of one meeting or one activity."""
    decisions = Decision.objects.filter(project=project).select_related(
        "decided_by_stakeholder__party", "meeting", "activity", "status_update"
    )
    if meeting_id is not None:
        decisions = decisions.filter(meeting_id=meeting_id)
    if activity_id is not None:
        decisions = decisions.filter(activity_id=activity_id)
    return decisions.order_by("-decided_on", "-pk")


def decision_get(project, decision_id) -> Decision:
    decision = (
        Decision.objects.filter(project=project, pk=decision_id)
        .select_related(
            "project__org", "decided_by_stakeholder__party", "meeting", "activity", "status_update"
        )
        .first()
    )
    if decision is None:
        raise Http404("No such decision")
    return decision


# --- actions ----------------------------------------------------------------------------------


def action_list(project, *, status: str | None = None, meeting_id: int | None = None):
    """The project's actions: open ones first, by due date (no date last), then the closed."""
    actions = Action.objects.filter(project=project).select_related(
        "owner_user", "owner_stakeholder__party", "meeting"
    )
    if status:
        actions = actions.filter(status=status)
    if meeting_id is not None:
        actions = actions.filter(meeting_id=meeting_id)
    return actions.annotate(
        open_first=Case(
            When(status=ActionStatus.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        no_due=Case(
            When(due__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
    ).order_by("open_first", "no_due", "due", "pk")


def action_get(project, action_id) -> Action:
    action = (
        Action.objects.filter(project=project, pk=action_id)
        .select_related("project__org", "owner_user", "owner_stakeholder__party", "meeting")
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return action


def open_actions_of(stakeholder):
    """A stakeholder's open actions (for the relationship page)."""
    return (
        Action.objects.filter(owner_stakeholder=stakeholder, status=ActionStatus.OPEN)
        .select_related("meeting")
        .order_by("due", "pk")
    )


# --- the attendance trend -----------------------------------------------------------------------


@dataclass
class PersonTrend:
    stakeholder: ProjectStakeholder
    # One mark per status meeting of the trend, oldest first: an attendance value, or None when
    # the person was not invited to that meeting.
    marks: list = field(default_factory=list)
    invited: int = 0
    attended: int = 0
    missed: int = 0

    @property
    def name(self) -> str:
        return self.stakeholder.party.name

    @property
    def share(self) -> float | None:
        return round(self.attended / self.invited, 2) if self.invited else None

    @property
    def recent_missed(self) -> int:
        """Missed of their last PROMPT_LAST status meetings they were invited to."""
        recent = [m for m in self.marks if m is not None][-PROMPT_LAST:]
        return sum(1 for m in recent if m in MISSED)

    @property
    def recent_invited(self) -> int:
        return len([m for m in self.marks if m is not None][-PROMPT_LAST:])


@dataclass
class MeetingPresence:
    meeting: Meeting
    business_invited: int = 0
    business_attended: int = 0

    @property
    def share(self) -> float | None:
        if not self.business_invited:
            return None
        return round(self.business_attended / self.business_invited, 2)


@dataclass
class AttendanceTrend:
    meetings: list  # MeetingPresence, oldest first
    people: list  # PersonTrend, by name
    invited: int = 0
    attended: int = 0
    missed: int = 0

    @property
    def share(self) -> float | None:
        return round(self.attended / self.invited, 2) if self.invited else None


def attendance_trend(project, *, now: datetime | None = None, last: int = TREND_MEETINGS):
    """Business presence at the project's last ``last`` status meetings held before ``now``: per
    meeting (business invited, attended) and per business person (a mark per meeting). Two
    queries whatever the size of the project."""
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.filter(project=project, kind="status", starts_at__lt=now).order_by(
            "-starts_at", "-pk"
        )[:last]
    )
    meetings.reverse()
    index = {m.pk: i for i, m in enumerate(meetings)}
    presence = [MeetingPresence(meeting=m) for m in meetings]
    people: dict[int, PersonTrend] = {}
    trend = AttendanceTrend(meetings=presence, people=[])
    invitees = Invitee.objects.filter(meeting_id__in=list(index), is_business=True).select_related(
        "stakeholder__party"
    )
    for invitee in invitees:
        person = people.get(invitee.stakeholder_id)
        if person is None:
            person = people[invitee.stakeholder_id] = PersonTrend(
                stakeholder=invitee.stakeholder, marks=[None] * len(meetings)
            )
        at = index[invitee.meeting_id]
        person.marks[at] = invitee.attendance
        person.invited += 1
        presence[at].business_invited += 1
        trend.invited += 1
        if invitee.attendance == Attendance.ATTENDED:
            person.attended += 1
            presence[at].business_attended += 1
            trend.attended += 1
        elif invitee.attendance in MISSED:
            person.missed += 1
            trend.missed += 1
    trend.people = sorted(people.values(), key=lambda p: (p.name.lower(), p.stakeholder.pk))
    return trend


@dataclass
class Prompt:
    stakeholder: ProjectStakeholder
    missed: int
    of: int
    contribution: str

    @property
    def name(self) -> str:
        return self.stakeholder.party.name

    @property
    def message(self) -> str:
        return (
            f"Ask {self.name} what would make the meeting worth their time — their decisions on "
            f"{self.contribution} are what the team needs."
        )


def _contributions(project, stakeholders) -> dict[int, str]:
    """What each one weighs in on: their own words in the register, else the RACI activities they
    are Accountable or Consulted for, else what they decided before."""
    from rapport.raci.models import Assignment

    out = {s.pk: s.weighs_in_on.strip().rstrip(".") for s in stakeholders if s.weighs_in_on.strip()}
    missing = {s.party_id: s.pk for s in stakeholders if s.pk not in out}
    if missing:
        names: dict[int, list[str]] = {}
        for party_id, activity in (
            Assignment.objects.filter(
                activity__project=project, party_id__in=list(missing), letter__in=["A", "C"]
            )
            .order_by("letter", "activity__position", "activity__pk")
            .values_list("party_id", "activity__name")
        ):
            names.setdefault(party_id, []).append(activity)
        for party_id, activities in names.items():
            shown = [f"“{name}”" for name in activities[:2]]
            out[missing[party_id]] = " and ".join(shown) + (
                " and more" if len(activities) > 2 else ""
            )
    return out


def attendance_prompts(project, *, trend: AttendanceTrend | None = None, now=None) -> list[Prompt]:
    """Business people who missed at least PROMPT_MISSED of their last PROMPT_LAST status
    meetings: a prompt to ask what would make the meeting worth their time."""
    trend = trend or attendance_trend(project, now=now)
    absent = [
        p
        for p in trend.people
        if p.recent_invited >= PROMPT_MISSED and p.recent_missed >= PROMPT_MISSED
    ]
    if not absent:
        return []
    contributions = _contributions(project, [p.stakeholder for p in absent])
    return [
        Prompt(
            stakeholder=p.stakeholder,
            missed=p.recent_missed,
            of=p.recent_invited,
            contribution=contributions.get(p.stakeholder.pk) or "the project's direction",
        )
        for p in absent
    ]


def project_today(project) -> date:
    """Today on the project's wall clock."""
    from .invitations import project_zone

    return timezone.localtime(timezone.now(), project_zone(project)).date()


# --- for the relationship pages and the CLI ------------------------------------------------------


def meetings_of(stakeholder, *, limit: int = 20) -> list[Invitee]:
    """A stakeholder's latest meeting invitations, newest first, each with its meeting (for the
    stakeholder's relationship page): ``invitee.meeting``, ``invitee.attendance``."""
    return list(
        Invitee.objects.filter(stakeholder=stakeholder)
        .select_related("meeting")
        .order_by("-meeting__starts_at", "-pk")[:limit]
    )


def meetings_summary(project, *, now: datetime | None = None) -> dict:
    """The project's meeting figures, as the `rapport relationship --json` CLI and the
    relationship page show them. A handful of queries whatever the size of the project."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(project=project)
    held = meetings.filter(starts_at__lt=now)
    trend = attendance_trend(project, now=now)
    upcoming = meetings.filter(starts_at__gte=now).order_by("starts_at", "pk").first()
    today = project_today(project)
    actions = Action.objects.filter(project=project, status=ActionStatus.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due__lt=today))
    )
    return {
        "held": held.count(),
        "status_meetings_held": held.filter(kind="status").count(),
        "next": (
            {
                "id": upcoming.pk,
                "title": upcoming.title,
                "starts_at": upcoming.starts_at.isoformat(),
            }
            if upcoming
            else None
        ),
        "business_invited": trend.invited,
        "business_attended": trend.attended,
        "business_missed": trend.missed,
        "business_attendance_share": trend.share,
        "prompts": [p.message for p in attendance_prompts(project, trend=trend)],
        "decisions": Decision.objects.filter(project=project).count(),
        "actions_open": actions["open"],
        "actions_overdue": actions["overdue"],
    }
