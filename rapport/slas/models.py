"""Agreements between IT and the business, with obligations on both sides, measured.

An *agreement* (a service-level agreement inside the company) holds *obligations*, each on one
side: IT (answer questions within N hours, send reports on time) or the business (decide within
N days, sign off within N days, attend the status meetings). Rapport measures the breaches it can
see in its own data (see rules.py); a person records the ones it cannot (*recorded breaches*).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from rapport.lib.validation import refuse_control_characters
from rapport.projects.models import Project


class Side(models.TextChoices):
    IT = "it", "IT"
    BUSINESS = "business", "The business"


class ObligationKind(models.TextChoices):
    QUESTION_RESPONSE = "question-response", "Answer questions within"
    REPORT_CADENCE = "report-cadence", "Send each planned report on time, late by at most"
    DECISION_TURNAROUND = "decision-turnaround", "Decide what the project asks within"
    SIGN_OFF = "sign-off", "Sign off deliverables within"
    MEETING_ATTENDANCE = "meeting-attendance", "Attend each status meeting, at least"
    PROMISE_DATES = "promise-dates", "Keep promised dates, late by at most"
    OTHER = "other", "Something else"


UNITS = {
    ObligationKind.QUESTION_RESPONSE: "hours",
    ObligationKind.REPORT_CADENCE: "hours",
    ObligationKind.DECISION_TURNAROUND: "days",
    ObligationKind.SIGN_OFF: "days",
    ObligationKind.MEETING_ATTENDANCE: "percent",
    ObligationKind.PROMISE_DATES: "days",
    ObligationKind.OTHER: "",
}
# What Rapport measures each kind from; the others are recorded by hand.
MEASURED_FROM = {
    ObligationKind.QUESTION_RESPONSE: "the replies to comments stakeholders leave in their portal",
    ObligationKind.REPORT_CADENCE: "the communication plan's report deliveries",
    ObligationKind.DECISION_TURNAROUND: "the decisions asked for in status updates and the "
    "decision log",
    ObligationKind.MEETING_ATTENDANCE: "the business side's attendance at status meetings",
    ObligationKind.PROMISE_DATES: "the promises' dates and deliveries",
}


class Agreement(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(max_length=200)
    agreed_on = models.DateField("agreed on")
    active = models.BooleanField(default=True, help_text="Only active agreements are measured.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-active", "-agreed_on", "-pk"]

    def __str__(self):
        return self.title

    def clean(self):
        refuse_control_characters(self, "title")
        if not (self.title or "").strip():
            raise ValidationError({"title": "Give the agreement a title."})

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class Obligation(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="obligations")
    side = models.CharField("whose obligation", max_length=10, choices=Side.choices)
    kind = models.CharField("what", max_length=20, choices=ObligationKind.choices)
    target = models.PositiveIntegerField(
        "target", help_text="Hours, days or a percentage, depending on what is promised."
    )
    description = models.CharField(
        "in words", max_length=300, blank=True, help_text="The agreement's own words, if useful."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["side", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="meeting-attendance") | Q(target__lte=100),
                name="obligation_attendance_is_a_share",
            ),
        ]

    def __str__(self):
        return f"{self.get_side_display()}: {self.target_text}"

    def clean(self):
        refuse_control_characters(self, "description")
        if self.kind == ObligationKind.MEETING_ATTENDANCE and (self.target or 0) > 100:
            raise ValidationError({"target": "Attendance is a percentage: 0 to 100."})
        if self.kind == ObligationKind.OTHER and not (self.description or "").strip():
            raise ValidationError({"description": "Say in words what is promised."})

    def get_additional_data(self):
        return {
            "org_id": self.agreement.project.org_id,
            "project_id": self.agreement.project_id,
        }

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    @property
    def measured(self) -> bool:
        return self.kind in MEASURED_FROM

    @property
    def measured_from(self) -> str:
        return MEASURED_FROM.get(self.kind, "")

    @property
    def target_text(self) -> str:
        """ "Answer questions within 24 hours", "Attend each status meeting, at least 75 %"."""
        if self.kind == ObligationKind.OTHER:
            return self.description
        unit = {"hours": " hours", "days": " days", "percent": " %"}[self.unit]
        if self.target == 1 and unit in (" hours", " days"):
            unit = unit[:-1]
        return f"{self.get_kind_display()} {self.target}{unit}"


class Breach(models.Model):
    """A breach a person saw and Rapport could not: recorded by hand against an obligation."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="breaches")
    occurred_on = models.DateField("when")
    what = models.TextField("what happened")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name_plural = "breaches"
        indexes = [models.Index(fields=["obligation", "-occurred_on"], name="breach_newest")]

    def __str__(self):
        return f"Breach of “{self.obligation.target_text}” on {date_format(self.occurred_on)}"

    def clean(self):
        if not (self.what or "").strip():
            raise ValidationError({"what": "Say what happened."})

    def get_additional_data(self):
        project = self.obligation.agreement.project
        return {"org_id": project.org_id, "project_id": project.pk}
