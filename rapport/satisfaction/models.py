"""Satisfaction pulses from stakeholders over time.

A *pulse* is a stakeholder's score from 1 (unhappy) to 5 (very happy), with an optional comment,
about one thing: an interaction, a meeting or a report they received (or nothing in particular,
for a pulse a PM took by phone). Stakeholders give them through their portal link, without an
account; one pulse per stakeholder and subject (a second answer replaces the first).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from rapport.projects.models import Project
from rapport.stakeholders.models import ProjectStakeholder

SUBJECTS = ("interaction", "meeting", "delivery")


class PulseSource(models.TextChoices):
    PORTAL = "portal", "Their portal link"
    RECORDED = "recorded", "Recorded by the team (phone, in person)"


class Pulse(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="pulses")
    stakeholder = models.ForeignKey(
        ProjectStakeholder, on_delete=models.CASCADE, related_name="pulses"
    )
    score = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(1, "Score from 1 (unhappy) to 5 (very happy)."),
            MaxValueValidator(5, "Score from 1 (unhappy) to 5 (very happy)."),
        ]
    )
    comment = models.TextField(blank=True)
    given_at = models.DateTimeField("given", default=timezone.now)
    # What it is about: at most one of these (a pulse taken by phone may be about nothing in
    # particular). A deleted subject leaves the pulse in the trend.
    interaction = models.ForeignKey(
        "relations.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pulses",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="pulses"
    )
    delivery = models.ForeignKey(
        "comms.Delivery",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pulses",
        verbose_name="report",
    )
    source = models.CharField(max_length=10, choices=PulseSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "-given_at", "-id"], name="pulse_project_newest"),
            models.Index(fields=["stakeholder", "given_at"], name="pulse_stakeholder_oldest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="pulse_score_1_to_5"
            ),
            models.CheckConstraint(
                condition=(
                    Q(interaction__isnull=True, meeting__isnull=True)
                    | Q(interaction__isnull=True, delivery__isnull=True)
                    | Q(meeting__isnull=True, delivery__isnull=True)
                ),
                name="pulse_about_one_thing",
            ),
            models.UniqueConstraint(
                fields=["stakeholder", "interaction"],
                condition=Q(interaction__isnull=False),
                name="pulse_once_per_interaction",
            ),
            models.UniqueConstraint(
                fields=["stakeholder", "meeting"],
                condition=Q(meeting__isnull=False),
                name="pulse_once_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["stakeholder", "delivery"],
                condition=Q(delivery__isnull=False),
                name="pulse_once_per_report",
            ),
        ]

    def __str__(self):
        return f"{self.stakeholder.party.name}: {self.score}/5 on {date_format(self.given_at)}"

    def clean(self):
        subjects = [name for name in SUBJECTS if getattr(self, f"{name}_id")]
        if len(subjects) > 1:
            raise ValidationError({"about": "A pulse is about one thing at most."})
        if (
            self.stakeholder_id
            and self.project_id
            and self.stakeholder.project_id != self.project_id
        ):
            raise ValidationError({"stakeholder": "That stakeholder is not on this project."})
        for name in subjects:
            subject = getattr(self, name)
            if subject.project_id != self.project_id:
                raise ValidationError({"about": "That is not on this project."})
        if self.interaction_id and self.interaction.stakeholder_id != self.stakeholder_id:
            raise ValidationError({"about": "That interaction was with someone else."})
        if self.delivery_id and self.delivery.party_id != self.stakeholder.party_id:
            raise ValidationError({"about": "That report went to someone else."})

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def subject(self):
        for name in SUBJECTS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None

    @property
    def about_text(self) -> str:
        """What the pulse is about, in words."""
        if self.interaction_id:
            i = self.interaction
            return f"{i.get_kind_display()} of {date_format(i.date)}: {i.subject}"
        if self.meeting_id:
            return f"Meeting: {self.meeting}"
        if self.delivery_id:
            d = self.delivery
            return f"{d.get_comm_type_display()} of {date_format(timezone.localtime(d.occurrence))}"
        return "The project in general"
