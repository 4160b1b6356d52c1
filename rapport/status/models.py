"""Honest status: status updates (immutable once published), a minimal risk register, each
project's health settings, and evidence snapshots (the history the organisation board shows).

The rules that turn evidence into a colour live in rules.py (no database); selectors.py gathers
the evidence from the data, services.py writes.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from rapport.projects.models import Project


class Colour(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


# The dimensions a PM rates besides the overall colour, in the order reports show them.
DIMENSIONS = (
    ("schedule", "Schedule"),
    ("scope", "Scope"),
    ("cost", "Cost"),
    ("quality", "Quality"),
    ("risk", "Risk"),
)


class UpdateState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishedIsImmutable(ValidationError):
    pass


class StatusUpdateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=UpdateState.PUBLISHED)

    def current(self):
        """Published versions nobody has corrected: what the project's status *is*."""
        return self.published().filter(superseded_by__isnull=True)


class StatusUpdate(models.Model):
    """A PM's status for one period. Published ones never change: a correction is a new version
    (``supersedes`` the old one) with a reason, so every report sent stays explainable."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_updates")
    period_start = models.DateField()
    period_end = models.DateField()
    state = models.CharField(max_length=10, choices=UpdateState.choices, default=UpdateState.DRAFT)
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)

    overall = models.CharField("overall colour", max_length=5, choices=Colour.choices)
    summary = models.TextField(
        "overall narrative", help_text="In plain words: where the project is."
    )
    schedule = models.CharField(
        max_length=5, choices=Colour.choices, blank=True
    )  # "" = not assessed
    schedule_note = models.TextField(blank=True)
    scope = models.CharField(max_length=5, choices=Colour.choices, blank=True)  # "" = not assessed
    scope_note = models.TextField(blank=True)
    cost = models.CharField(max_length=5, choices=Colour.choices, blank=True)  # "" = not assessed
    cost_note = models.TextField(blank=True)
    quality = models.CharField(
        max_length=5, choices=Colour.choices, blank=True
    )  # "" = not assessed
    quality_note = models.TextField(blank=True)
    risk = models.CharField(max_length=5, choices=Colour.choices, blank=True)  # "" = not assessed
    risk_note = models.TextField(blank=True)

    progress = models.PositiveSmallIntegerField(
        "progress (%)", default=0, validators=[MaxValueValidator(100, "Progress is at most 100%.")]
    )
    spent = models.DecimalField(
        "spent to date",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Spending cannot be negative.")],
        help_text="Actual cost so far, in the project's currency: compared with the budget and progress.",
    )
    went_well = models.TextField("what went well", blank=True)
    not_going_well = models.TextField(
        "what is not going well",
        blank=True,
        help_text='Required to publish. If nothing, write "nothing" — saying so is part of the report.',
    )
    next_steps = models.TextField("what is next", blank=True)
    # The top risks as they stood at publication, so the published report never changes.
    top_risks = models.JSONField(default=list, blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-version", "-pk"]
        indexes = [models.Index(fields=["project", "state", "published_at"])]

    def __str__(self):
        version = f" v{self.version}" if self.version > 1 else ""
        return f"{self.project.code} status {date_format(self.period_start, 'MONTH_DAY_FORMAT')}–{date_format(self.period_end)}{version}"

    def save(self, *args, **kwargs):
        # The one guard every path meets: a row stored as published is never written again.
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored == UpdateState.PUBLISHED:
                raise PublishedIsImmutable(
                    "A published status update cannot be changed; publish a correction instead."
                )
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "The period ends before it starts."
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def is_published(self) -> bool:
        return self.state == UpdateState.PUBLISHED

    @property
    def dimensions(self) -> list[dict]:
        return [
            {
                "key": key,
                "label": label,
                "colour": getattr(self, key) or "none",  # styled as rag-none
                "colour_label": getattr(self, key) or "not assessed",
                "note": getattr(self, f"{key}_note"),
            }
            for key, label in DIMENSIONS
        ]


class StatusObstacle(models.Model):
    """Something in the way, what it does, and to which customers: "what changed for you"."""

    update = models.ForeignKey(StatusUpdate, on_delete=models.CASCADE, related_name="obstacles")
    text = models.CharField("obstacle", max_length=500)
    impact = models.TextField(blank=True, help_text="What it means for them.")
    customers = models.ManyToManyField(
        "stakeholders.Party", blank=True, related_name="status_obstacles"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    def get_additional_data(self):
        return {"org_id": self.update.project.org_id, "project_id": self.update.project_id}


class StatusDecision(models.Model):
    """A decision the project needs, and from whom: "what we need from you"."""

    update = models.ForeignKey(StatusUpdate, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField("decision needed", max_length=500)
    needed_from = models.ForeignKey(
        "stakeholders.Party",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_decisions",
    )
    needed_by = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    def get_additional_data(self):
        return {"org_id": self.update.project.org_id, "project_id": self.update.project_id}


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


_LEVEL_SCORE = {"low": 1, "medium": 2, "high": 3}


def risk_severity(probability: str, impact: str) -> str:
    """High when probability × impact is at least 6 (high × medium or worse), medium from 3."""
    score = _LEVEL_SCORE.get(probability, 0) * _LEVEL_SCORE.get(impact, 0)
    return "high" if score >= 6 else "medium" if score >= 3 else "low"


class RiskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def high(self):
        """High severity: (high, high), (high, medium) or (medium, high)."""
        return self.filter(
            models.Q(probability="high", impact__in=["high", "medium"])
            | models.Q(probability="medium", impact="high")
        )


class Risk(models.Model):
    """A minimal risk register: enough for "open high risks" (evidence) and "top risks" (reports)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(max_length=300)
    probability = models.CharField(max_length=6, choices=Level.choices, default=Level.MEDIUM)
    impact = models.CharField(max_length=6, choices=Level.choices, default=Level.MEDIUM)
    mitigation = models.TextField(blank=True)
    owner = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["closed_at", "-created_at", "pk"]

    def __str__(self):
        return self.title

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def severity(self) -> str:
        return risk_severity(self.probability, self.impact)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class HealthConfig(models.Model):
    """A project's health thresholds (rules.HealthSettings fields that differ from the defaults)
    and the watermelon margin. Absent means every default."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="health_config")
    margin = models.PositiveSmallIntegerField(
        "watermelon margin",
        default=1,
        validators=[
            MinValueValidator(1, "At least 1 step."),
            MaxValueValidator(2, "At most 2 steps."),
        ],
        help_text="How many steps (green → amber → red) the report may be better than the evidence "
        "before it is flagged.",
    )
    overrides = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"Health settings of {self.project.code}"

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class EvidenceVersion(models.Model):
    """A number that changes whenever anything a project's evidence reads changes.

    Kept by the database itself: triggers on the status updates and their decisions, health
    settings, risks, activities and Accountable letters, promises and renegotiations,
    deliveries and feedback, status meetings and their invitees, the decision log, agreements,
    obligations and breaches, pulses, the project's stakeholders and their names (migration
    0003) add one in the same transaction as the change, whichever code path made it. A worker
    may therefore keep a project's computed health while this number, the minute and the
    project's own budget and time zone are the same (see rapport/status/health_kept.py).
    ``project_id`` is a plain number, not a foreign key, like raci.MatrixVersion.

    When the evidence starts to read another table or column, a new migration must add it to the
    triggers, and tests/status/test_health_kept.py's CHANGES a change of it: otherwise a kept
    health would be shown after that change.
    """

    project_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"Evidence of project {self.project_id}: version {self.version}"


class EvidenceSnapshot(models.Model):
    """Reported colour against the evidence at one moment: the history on the board and in the
    dashboard charts. Taken on every publication and by the periodic run (`rapport comms deliver`)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="evidence_snapshots"
    )
    taken_at = models.DateTimeField(default=timezone.now)
    reported = models.CharField(max_length=5, choices=Colour.choices, blank=True)
    evidence = models.CharField(max_length=5, choices=Colour.choices, blank=True)
    watermelon = models.BooleanField(default=False)
    watermelon_message = models.TextField(blank=True)
    progress = models.FloatField(null=True, blank=True)  # 0..1, from the activities
    spent_share = models.FloatField(null=True, blank=True)  # spent / budget
    worst_slip_days = models.IntegerField(null=True, blank=True)
    report = models.JSONField(default=dict)  # HealthReport.to_dict()
    status_update = models.ForeignKey(
        StatusUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["project", "-taken_at"])]

    def __str__(self):
        return f"{self.project.code} at {self.taken_at:%Y-%m-%d %H:%M}: {self.reported or '—'} / {self.evidence or '—'}"
