"""Meetings with the customers: agenda, invitations, attendance, minutes, the decision log and actions.

A *meeting* belongs to a project: a status meeting (often from a row of the communication plan) or
another one. Its *invitees* are stakeholders of the project, the business side marked; after the
meeting each one's attendance is recorded. The *decision log* keeps what was decided, by whom,
when, why and which options were rejected, linked to the meeting, the RACI activity and the status
update that asked for it. *Actions* are the follow-ups: owner, due date, open / done / dropped.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from rapport.lib.validation import refuse_control_characters
from rapport.projects.models import Project
from rapport.stakeholders.models import ProjectStakeholder


class MeetingKind(models.TextChoices):
    STATUS = "status", "Status meeting"
    OTHER = "other", "Other meeting"


def new_ics_uid() -> str:
    return f"meeting-{uuid.uuid4()}"


class Meeting(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=10, choices=MeetingKind.choices, default=MeetingKind.STATUS)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField("starts")
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)",
        default=30,
        validators=[
            MinValueValidator(5, "At least 5 minutes."),
            MaxValueValidator(720, "At most 12 hours."),
        ],
    )
    location = models.CharField(
        "where", max_length=300, blank=True, help_text="A room, or the video call link."
    )
    agenda = models.TextField(blank=True)
    minutes = models.TextField("minutes and notes", blank=True)
    plan_row = models.ForeignKey(
        "comms.PlanRow",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name="from the communication plan",
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_meetings",
        verbose_name="organiser",
    )
    # iCalendar: the UID never changes; every update that re-invites raises the SEQUENCE.
    ics_uid = models.CharField(max_length=100, unique=True, default=new_ics_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    invitations_sent_sequence = models.IntegerField(
        null=True, blank=True, editable=False, help_text="The SEQUENCE last sent out."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "-starts_at", "-id"], name="meeting_project_newest"),
            models.Index(fields=["project", "kind", "starts_at"], name="meeting_project_kind"),
        ]

    def __str__(self):
        return f"{self.title} ({date_format(timezone.localtime(self.starts_at))})"

    def clean(self):
        refuse_control_characters(self, "title")
        refuse_control_characters(self, "location")
        if not (self.title or "").strip():
            raise ValidationError({"title": "Give the meeting a title."})
        if self.starts_at and timezone.is_naive(self.starts_at):
            raise ValidationError({"starts_at": "Give the start with its time zone."})
        if self.plan_row_id and self.project_id and self.plan_row.project_id != self.project_id:
            raise ValidationError({"plan_row": "That plan row is not on this project."})

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_status(self) -> bool:
        return self.kind == MeetingKind.STATUS


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", "Not recorded"
    ATTENDED = "attended", "Attended"
    APOLOGISED = "apologised", "Apologised"
    ABSENT = "absent", "Absent"


MISSED = (Attendance.APOLOGISED, Attendance.ABSENT)


class Invitee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    stakeholder = models.ForeignKey(
        ProjectStakeholder, on_delete=models.CASCADE, related_name="meeting_invitations"
    )
    is_business = models.BooleanField(
        "business side", default=False, help_text="From the business, not from IT or the team."
    )
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )

    class Meta:
        ordering = ["-is_business", "stakeholder__party__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "stakeholder"], name="invitee_once_per_meeting"
            ),
        ]
        indexes = [models.Index(fields=["stakeholder", "meeting"], name="invitee_stakeholder")]

    def __str__(self):
        return f"{self.stakeholder.party.name} at {self.meeting.title}"

    def get_additional_data(self):
        return {"org_id": self.meeting.project.org_id, "project_id": self.meeting.project_id}


class Decision(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField("what was decided", max_length=500)
    decided_by = models.CharField(
        "decided by", max_length=200, blank=True, help_text="A name, or a group (the board)."
    )
    decided_by_stakeholder = models.ForeignKey(
        ProjectStakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="decided by (stakeholder)",
    )
    decided_on = models.DateField("decided on")
    why = models.TextField(blank=True)
    rejected_options = models.TextField(
        "options rejected", blank=True, help_text="What else was considered, and why not."
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    activity = models.ForeignKey(
        "raci.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logged_decisions",
        verbose_name="RACI activity",
    )
    status_update = models.ForeignKey(
        "status.StatusUpdate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logged_decisions",
        verbose_name="asked for in the status update",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        indexes = [
            models.Index(fields=["project", "-decided_on", "-id"], name="decision_project_newest"),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        refuse_control_characters(self, "text")
        refuse_control_characters(self, "decided_by")
        if not (self.text or "").strip():
            raise ValidationError({"text": "Say what was decided."})
        for name in ("meeting", "activity", "status_update", "decided_by_stakeholder"):
            related = getattr(self, name) if getattr(self, f"{name}_id") else None
            if related is not None and related.project_id != self.project_id:
                raise ValidationError({name: "That is not on this project."})

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def decider(self) -> str:
        if self.decided_by_stakeholder_id:
            return self.decided_by_stakeholder.party.name
        return self.decided_by


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Action(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meeting_actions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    text = models.CharField("what to do", max_length=500)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
        verbose_name="owner (team)",
    )
    owner_stakeholder = models.ForeignKey(
        ProjectStakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
        verbose_name="owner (stakeholder)",
    )
    due = models.DateField("due", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due", "pk"]
        indexes = [
            models.Index(fields=["project", "status", "due"], name="action_project_open"),
        ]
        constraints = [
            # One owner: a person of the team or a stakeholder, never both.
            models.CheckConstraint(
                condition=models.Q(owner_user__isnull=True)
                | models.Q(owner_stakeholder__isnull=True),
                name="action_one_owner",
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        refuse_control_characters(self, "text")
        if not (self.text or "").strip():
            raise ValidationError({"text": "Say what is to be done."})
        if self.owner_user_id and self.owner_stakeholder_id:
            raise ValidationError(
                {"owner_user": "Choose one owner: a team member or a stakeholder."}
            )
        if self.meeting_id and self.meeting.project_id != self.project_id:
            raise ValidationError({"meeting": "That meeting is not on this project."})
        if self.owner_stakeholder_id and self.owner_stakeholder.project_id != self.project_id:
            raise ValidationError({"owner_stakeholder": "That stakeholder is not on this project."})

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def owner_name(self) -> str:
        if self.owner_user_id:
            return self.owner_user.display_name
        if self.owner_stakeholder_id:
            return self.owner_stakeholder.party.name
        return ""


class Invitation(models.Model):
    """One invitation e-mail (an iCalendar REQUEST) to one invitee for one SEQUENCE of a meeting.

    The same exactly-once discipline as a report's comms.Delivery, with its helpers: created once
    (unique ``key``), claimed under a lease, moved pending → sending → sent / failed with
    conditional UPDATEs, retried with backoff, the same Message-ID on a retry. A separate table so
    that invitations never count as reports in the status evidence (acknowledgements)."""

    key = models.CharField(max_length=200, unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="invitations")
    sequence = models.PositiveIntegerField()
    email = models.EmailField(blank=True)
    state = models.CharField(max_length=10, default="pending")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    maybe_duplicate = models.BooleanField(default=False)
    message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="invitation_ready")]

    def __str__(self):
        return f"Invitation {self.sequence} to {self.email or 'nobody'} for {self.meeting.title}"
