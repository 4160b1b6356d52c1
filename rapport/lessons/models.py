"""Lessons learned, captured during projects, searched and reused across the organisation.

A *lesson* is what a project learned (what happened, what to do next time), captured while the
project runs, with who contributed from the business and from IT. The organisation's library
searches every lesson of the projects a person may see. When another project applies a lesson,
a *lesson application* records it (once per project): that is the lesson's reuse count. A
*follow-up* is an action an executive owns, so the lesson is passed on and used higher up.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from rapport.accounts.models import Organisation
from rapport.lib.validation import refuse_control_characters
from rapport.projects.models import Project
from rapport.raci.models import Activity, Phase
from rapport.stakeholders.models import Party

from . import rules


class LessonCategory(models.TextChoices):
    ESTIMATING = "estimating", "Estimating"
    COMMUNICATION = "communication", "Communication"
    REQUIREMENTS = "requirements", "Requirements"
    TECHNICAL = "technical", "Technical"
    VENDOR = "vendor", "Vendors and suppliers"
    PEOPLE = "people", "People"
    PROCESS = "process", "Process"


class Impact(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Side(models.TextChoices):
    BUSINESS = "business", "Business"
    IT = "it", "IT"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class LessonQuerySet(models.QuerySet):
    def with_reuse_count(self):
        """Each lesson's reuse count: how many projects applied it. A subquery, not a join, so
        that search ranks and other annotations need no GROUP BY."""
        counts = (
            LessonApplication.objects.filter(lesson=OuterRef("pk"))
            .order_by()
            .values("lesson")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(reuse_count=Coalesce(Subquery(counts), 0))

    def not_reused(self):
        return self.filter(~Exists(LessonApplication.objects.filter(lesson=OuterRef("pk"))))

    def with_tag(self, tag: str):
        tag = " ".join((tag or "").lower().split())
        if not tag:
            return self
        return self.filter(
            models.Q(tags=tag)
            | models.Q(tags__startswith=f"{tag}, ")
            | models.Q(tags__endswith=f", {tag}")
            | models.Q(tags__contains=f", {tag}, ")
        )


class Lesson(models.Model):
    # Denormalised from the project: the organisation's library filters on it alone.
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="lessons")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    what_happened = models.TextField("what happened")
    recommendation = models.TextField(help_text="What to do next time.")
    category = models.CharField(max_length=16, choices=LessonCategory.choices)
    impact = models.CharField(max_length=8, choices=Impact.choices, default=Impact.MEDIUM)
    phases = models.ManyToManyField(Phase, blank=True, related_name="lessons")
    activities = models.ManyToManyField(Activity, blank=True, related_name="lessons")
    tags = models.CharField(
        max_length=600, blank=True, help_text="Separated by commas, like: estimates, sponsor."
    )
    captured_on = models.DateField("captured on")
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons_captured",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["-captured_on", "-pk"]
        indexes = [
            models.Index(fields=["project", "-captured_on", "-id"], name="lesson_project_newest"),
            models.Index(fields=["org", "-captured_on", "-id"], name="lesson_org_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=LessonCategory.values),
                name="lesson_category_known",
            ),
            models.CheckConstraint(
                condition=models.Q(impact__in=Impact.values), name="lesson_impact_known"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        refuse_control_characters(self, "title")
        if self.project_id and self.org_id and self.project.org_id != self.org_id:
            raise ValidationError({"project": "The lesson's project is in another organisation."})

    @property
    def tag_list(self) -> list[str]:
        return rules.tag_list(self.tags)

    def get_additional_data(self):
        return {"org_id": self.org_id, "project_id": self.project_id}


class LessonContributor(models.Model):
    """Who contributed to a lesson, and from which side: a party of the register (the business,
    usually) or a person who signs in."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="contributors")
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, null=True, blank=True, related_name="lesson_contributions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lesson_contributions",
        verbose_name="person",
    )
    side = models.CharField(max_length=8, choices=Side.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["side", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(party__isnull=True) & models.Q(user__isnull=False))
                | (models.Q(party__isnull=False) & models.Q(user__isnull=True)),
                name="lesson_contributor_party_or_user",
            ),
            models.UniqueConstraint(
                fields=["lesson", "party"],
                condition=models.Q(party__isnull=False),
                name="lesson_contributor_party_once",
            ),
            models.UniqueConstraint(
                fields=["lesson", "user"],
                condition=models.Q(user__isnull=False),
                name="lesson_contributor_user_once",
            ),
            models.CheckConstraint(
                condition=models.Q(side__in=Side.values), name="lesson_contributor_side_known"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_side_display()}) on “{self.lesson.title}”"

    @property
    def name(self) -> str:
        if self.party_id:
            return self.party.name
        return self.user.display_name if self.user_id else "?"

    def get_additional_data(self):
        return {"org_id": self.lesson.org_id, "project_id": self.lesson.project_id}


class LessonApplication(models.Model):
    """A project applied a lesson (usually one learned on another project): its reuse."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="applications")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="lessons_applied")
    applied_on = models.DateField("applied on")
    note = models.CharField(max_length=500, blank=True, help_text="How the project applies it.")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons_applied",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "project"], name="lesson_applied_once")
        ]

    def __str__(self):
        return f"“{self.lesson.title}” applied on {self.project.code}"

    def get_additional_data(self):
        # The applying project's history shows it.
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class LessonFollowUp(models.Model):
    """An action that passes a lesson on, owned by an executive (a party or a person)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="follow_ups")
    action = models.CharField(max_length=300)
    owner_party = models.ForeignKey(
        Party,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lesson_follow_ups",
        verbose_name="owner (from the register)",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lesson_follow_ups",
        verbose_name="owner (a person who signs in)",
    )
    status = models.CharField(
        max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    due_on = models.DateField("due", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(owner_party__isnull=True) & models.Q(owner_user__isnull=False))
                | (models.Q(owner_party__isnull=False) & models.Q(owner_user__isnull=True)),
                name="lesson_follow_up_one_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FollowUpStatus.values),
                name="lesson_follow_up_status_known",
            ),
        ]

    def __str__(self):
        return self.action

    @property
    def owner_name(self) -> str:
        if self.owner_party_id:
            return self.owner_party.name
        return self.owner_user.display_name if self.owner_user_id else "?"

    def clean(self):
        refuse_control_characters(self, "action")

    def get_additional_data(self):
        return {"org_id": self.lesson.org_id, "project_id": self.lesson.project_id}
