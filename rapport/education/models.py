"""What was explained to which stakeholders, and how well they understood it.

A *topic* is an entry in the organisation's small, editable catalogue of things a PM explains to
the business (relational databases, SQL, why regular upgrades matter, how the estimate was
developed, ...), with a short "restate" text for a reminder at the next meeting. An *explanation*
records that a topic was explained on a project, when, optionally in which meeting, to which
stakeholders, and each one's understanding afterwards.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from rapport.accounts.models import Organisation
from rapport.lib.validation import refuse_control_characters
from rapport.projects.models import Project
from rapport.raci.names import normalise_name
from rapport.stakeholders.models import ProjectStakeholder


class Topic(models.Model):
    """Something worth explaining to the business, in the organisation's catalogue."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="education_topics")
    name = models.CharField("topic", max_length=120)
    # The name as names are compared (case, accents and spacing do not count), unique in the org.
    name_key = models.CharField(max_length=120, editable=False, default="")
    restate = models.CharField(
        "in a few words",
        max_length=400,
        blank=True,
        help_text="What you would say to restate it in a minute at the next meeting.",
    )
    keywords = models.CharField(
        max_length=300,
        blank=True,
        help_text="Words that, in the name or description of current work, make it worth "
        "restating (separated by commas).",
    )
    on_target_missed = models.BooleanField(
        "suggest when the sponsor's target is missed",
        default=False,
        help_text="Restate it when the latest simulation misses the sponsor's date or budget.",
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name_key"], name="topic_name_unique_in_org")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalise_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        self.name_key = normalise_name(self.name)
        refuse_control_characters(self, "name")
        if not self.name_key:
            raise ValidationError({"name": "Give the topic a name."})

    def get_additional_data(self):
        return {"org_id": self.org_id}

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class Understanding(models.TextChoices):
    NOT_YET = "not_yet", "Not yet"
    PARTLY = "partly", "Partly"
    UNDERSTOOD = "understood", "Understood"


class Explanation(models.Model):
    """A topic explained to some stakeholders of a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="explanations")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="explanations")
    explained_on = models.DateField("when")
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="explanations",
        verbose_name="in which meeting",
    )
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="who explained",
    )
    notes = models.TextField(blank=True)
    stakeholders = models.ManyToManyField(
        ProjectStakeholder, through="ExplanationAudience", related_name="explanations"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-explained_on", "-pk"]
        indexes = [
            models.Index(
                fields=["project", "-explained_on", "-id"], name="explanation_project_newest"
            )
        ]

    def __str__(self):
        return f"{self.topic.name} on {date_format(self.explained_on)}"

    def clean(self):
        if self.meeting_id and self.project_id and self.meeting.project_id != self.project_id:
            raise ValidationError({"meeting": "That meeting is not on this project."})
        if self.topic_id and self.project_id and self.topic.org_id != self.project.org_id:
            raise ValidationError({"topic": "That topic is in another organisation's catalogue."})

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class ExplanationAudience(models.Model):
    """One stakeholder an explanation was given to, and how well they understood it afterwards."""

    explanation = models.ForeignKey(Explanation, on_delete=models.CASCADE, related_name="audience")
    stakeholder = models.ForeignKey(
        ProjectStakeholder, on_delete=models.CASCADE, related_name="explanations_heard"
    )
    understanding = models.CharField(
        max_length=10, choices=Understanding.choices, default=Understanding.NOT_YET
    )

    class Meta:
        ordering = ["stakeholder__party__name", "pk"]
        verbose_name = "understanding"
        constraints = [
            models.UniqueConstraint(
                fields=["explanation", "stakeholder"], name="explanation_audience_once"
            )
        ]
        indexes = [models.Index(fields=["stakeholder", "explanation"])]

    def __str__(self):
        return f"{self.stakeholder.party.name}: {self.get_understanding_display().lower()}"

    def get_additional_data(self):
        project = self.explanation.project
        return {"org_id": project.org_id, "project_id": project.pk}
