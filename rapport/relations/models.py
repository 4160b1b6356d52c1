"""Relationship work: interactions with a project's customers and stakeholders.

An *interaction* is a call, visit, workshop, e-mail or meeting with one stakeholder of a project:
when, who from the team, what about, notes, and an optional follow-up with a due date. The latest
interaction is a stakeholder's "last contact"; the earliest open follow-up is their "next".
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from rapport.lib.validation import refuse_control_characters
from rapport.projects.models import Project
from rapport.stakeholders.models import ProjectStakeholder


class InteractionKind(models.TextChoices):
    CALL = "call", "Call"
    VISIT = "visit", "Visit"
    WORKSHOP = "workshop", "Workshop"
    EMAIL = "email", "E-mail"
    MEETING = "meeting", "Meeting"


class Interaction(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="interactions")
    stakeholder = models.ForeignKey(
        ProjectStakeholder, on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(max_length=10, choices=InteractionKind.choices)
    date = models.DateField()
    team_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name="who from the team",
    )
    subject = models.CharField("what about", max_length=200)
    notes = models.TextField(blank=True)
    follow_up = models.CharField("follow-up", max_length=300, blank=True)
    follow_up_due = models.DateField("follow-up due", null=True, blank=True)
    follow_up_done = models.BooleanField("follow-up done", default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            # The list, newest first, for a project or one of its stakeholders.
            models.Index(fields=["project", "-date", "-id"], name="interaction_project_newest"),
            models.Index(
                fields=["stakeholder", "-date", "-id"], name="interaction_stakeholder_newest"
            ),
        ]
        constraints = [
            # A follow-up due date without saying what to follow up is a reminder of nothing.
            models.CheckConstraint(
                condition=~models.Q(follow_up="") | models.Q(follow_up_due__isnull=True),
                name="interaction_follow_up_due_needs_text",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} with {self.stakeholder.party.name} on {date_format(self.date)}"

    def clean(self):
        refuse_control_characters(self, "subject")
        if self.follow_up_due and not self.follow_up.strip():
            raise ValidationError(
                {"follow_up": "Say what to follow up, or leave the due date empty."}
            )
        if (
            self.stakeholder_id
            and self.project_id
            and self.stakeholder.project_id != self.project_id
        ):
            raise ValidationError({"stakeholder": "That stakeholder is not on this project."})

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def open_follow_up(self) -> bool:
        return bool(self.follow_up_due) and not self.follow_up_done
