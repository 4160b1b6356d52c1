"""Estimates kept in the open: three-point ranges per activity with their basis, finish-to-start
dependencies, the sponsor's target, every version of the whole estimate, and simulation runs.

The pure simulation lives in rules.py; these models hold its inputs and outputs. Every change of
an estimate, a dependency or the target goes through services.py, which saves a new
EstimateVersion (a snapshot of the whole estimate set, with author and reason) in the same
transaction.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from rapport.projects.models import Project
from rapport.raci.models import Activity
from rapport.stakeholders.models import Party

from . import rules, versions


class EstimateMethod(models.TextChoices):
    EXPERT = "expert", "Expert judgement"
    ANALOGOUS = "analogous", "Analogous (a similar past activity)"
    PARAMETRIC = "parametric", "Parametric (rate × quantity)"
    BOTTOM_UP = "bottom_up", "Bottom-up (sum of smaller tasks)"
    QUOTE = "quote", "Supplier quote"
    OTHER = "other", "Other"


DURATION_FIELDS = ("duration_optimistic", "duration_most_likely", "duration_pessimistic")
COST_FIELDS = ("cost_optimistic", "cost_most_likely", "cost_pessimistic")


def _days():
    return models.DecimalField(max_digits=8, decimal_places=2)


def _money():
    return models.DecimalField(max_digits=14, decimal_places=2)


class ActivityEstimate(models.Model):
    """The three-point estimate of one activity's duration (working days) and cost, and how it
    was developed."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="estimate")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="activity_estimates"
    )
    duration_optimistic = _days()
    duration_most_likely = _days()
    duration_pessimistic = _days()
    cost_optimistic = _money()
    cost_most_likely = _money()
    cost_pessimistic = _money()
    method = models.CharField(
        max_length=12, choices=EstimateMethod.choices, default=EstimateMethod.EXPERT
    )
    assumptions = models.TextField(blank=True, help_text="What must hold for these ranges.")
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the figures come from: a quote, a past project, a rate card.",
    )
    estimated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["project"])]

    def __str__(self):
        return f"Estimate of {self.activity.name}"

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def duration(self) -> tuple[Decimal, Decimal, Decimal]:
        return tuple(getattr(self, f) for f in DURATION_FIELDS)

    @property
    def cost(self) -> tuple[Decimal, Decimal, Decimal]:
        return tuple(getattr(self, f) for f in COST_FIELDS)

    @property
    def duration_text(self) -> str:
        return versions.three_point_text(self.duration)

    @property
    def cost_text(self) -> str:
        return versions.three_point_text(self.cost)

    def rule_input(self, predecessors=()) -> rules.ActivityEstimate:
        return rules.ActivityEstimate(
            id=self.activity_id,
            name=self.activity.name,
            duration=rules.ThreePoint(*(float(v) for v in self.duration)),
            cost=rules.ThreePoint(*(float(v) for v in self.cost)),
            predecessors=tuple(predecessors),
        )


class Dependency(models.Model):
    """Finish-to-start: the successor cannot start before the predecessor finishes."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dependencies")
    predecessor = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="predecessor_links"
    )

    class Meta:
        ordering = ["successor_id", "predecessor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="one_dependency_per_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="dependency_not_on_itself",
            ),
        ]

    def __str__(self):
        return f"{self.predecessor.name} → {self.successor.name}"

    def clean(self):
        for field in ("predecessor", "successor"):
            activity = getattr(self, field)
            if activity.project_id != self.project_id:
                raise ValidationError({field: f"{activity.name} belongs to another project."})

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class SponsorConstraint(models.Model):
    """What the sponsor asked for ("8 months and $100K"): a finish date and/or a budget."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="sponsor_constraint"
    )
    finish_date = models.DateField("finish by", null=True, blank=True)
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    stated_by = models.ForeignKey(
        Party,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who asked for it (usually the sponsor).",
    )
    stated_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Target for {self.project.code}"

    def clean(self):
        errors = {}
        if self.finish_date is None and self.budget is None:
            errors["finish_date"] = "Give a finish date, a budget or both."
        if self.budget is not None and self.budget < 0:
            errors["budget"] = "A budget cannot be negative."
        start = self.project.start_date
        if self.finish_date and start and self.finish_date < start:
            errors["finish_date"] = f"The finish date is before the project starts ({start})."
        if self.stated_by_id and self.stated_by.org_id != self.project.org_id:
            errors["stated_by"] = "That party is in another organisation's register."
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class EstimateVersion(models.Model):
    """The whole estimate set and the target as they stood after one change, who made the
    change, when, and why. Versions are never edited: going back is a new version."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="estimate_versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    # sha256 of the snapshot's estimate content: spots a version that changes an estimate back
    digest = models.CharField(max_length=64)
    summary = models.CharField(max_length=500, blank=True)
    reason = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    restored_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="estimate_version_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.project.code} estimate version {self.number}"

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class SimulationRun(models.Model):
    """One Monte Carlo run: its settings (the seed repeats it exactly), the estimate version it
    simulated and what it found."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="simulation_runs")
    version = models.ForeignKey(
        EstimateVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    seed = models.BigIntegerField()
    iterations = models.PositiveIntegerField()
    confidence = models.FloatField(default=rules.DEFAULT_CONFIDENCE)
    distribution = models.CharField(max_length=12, default=rules.PERT)
    result = models.JSONField()
    elapsed_ms = models.PositiveIntegerField(default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "-created_at"])]

    def __str__(self):
        return f"{self.project.code} simulation of {self.created_at:%Y-%m-%d %H:%M}"

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def distribution_label(self) -> str:
        return {rules.PERT: "Beta-PERT", rules.TRIANGULAR: "triangular"}.get(
            self.distribution, self.distribution
        )

    @property
    def confidence_label(self) -> str:
        return f"P{round(self.confidence * 100)}"


class TrackRecord(models.Model):
    """How one estimate compared with what happened: the whole project (``activity`` empty, once
    the project is completed) or one finished activity (recorded at each status update).

    The estimate is the version in force at the baseline (the last one made on or before the
    project's start date, else the first); its quantiles are at calibration.LEVELS. Durations are
    working days (the project's from its start date to its last actual finish), costs in the
    project's currency; an actual left empty was not known."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="track_records")
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    version = models.ForeignKey(
        EstimateVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=12)  # the activity's kind, or "project"
    phase_name = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=12, blank=True)
    estimated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    estimator_name = models.CharField(max_length=200, blank=True)
    finish_quantiles = models.JSONField()
    finish_p50 = models.FloatField()
    finish_p80 = models.FloatField()
    finish_actual = models.FloatField(null=True, blank=True)
    cost_quantiles = models.JSONField()
    cost_p50 = models.FloatField()
    cost_p80 = models.FloatField()
    cost_actual = models.FloatField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project_id", "finished_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "activity"],
                condition=models.Q(activity__isnull=False),
                name="one_track_record_per_activity",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(activity__isnull=True),
                name="one_track_record_per_project",
            ),
        ]
        indexes = [models.Index(fields=["project", "activity"])]

    def __str__(self):
        return f"Track record of {self.name}"

    @property
    def finish_ratio(self) -> float | None:
        if self.finish_actual is None or not self.finish_p50:
            return None
        return self.finish_actual / self.finish_p50

    @property
    def cost_ratio(self) -> float | None:
        if self.cost_actual is None or not self.cost_p50:
            return None
        return self.cost_actual / self.cost_p50


class CalibrationFit(models.Model):
    """The organisation's fit of actual ÷ estimated over its completed projects (see
    calibration.py), cached so a simulation reads it in one query; refreshed when a project
    completes (or is reopened). ``refused`` says why there is no fit yet."""

    org = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="calibration_fit"
    )
    finish = models.JSONField(null=True, blank=True)
    cost = models.JSONField(null=True, blank=True)
    refused = models.CharField(max_length=300, blank=True)
    projects = models.PositiveIntegerField(default=0)
    activities = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calibration of {self.org}"
