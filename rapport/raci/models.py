"""Activities of a project, grouped in ordered phases, and who does, owns, advises and hears about
each (the RACI). The estimates hang off activities too. A project's SIPOC + Outcome processes live
here as well: they link the same parties and customer outcomes.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format

from rapport.projects.models import Project

from .names import normalise_name


class Phase(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # whatever its case, as phase_create checks
            models.UniqueConstraint(
                Lower("name"), "project", name="phase_name_unique_in_project_ci"
            )
        ]

    def __str__(self):
        return self.name

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class ActivityKind(models.TextChoices):
    TASK = "task", "Task"
    MILESTONE = "milestone", "Milestone"
    DECISION = "decision", "Decision"
    DELIVERABLE = "deliverable", "Deliverable"


class ActivityStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (ActivityStatus.NOT_STARTED, ActivityStatus.IN_PROGRESS)


class ActivityQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def bulk_create(self, objs, *args, **kwargs):
        # save() is skipped here, so set each name's key as save() does.
        objs = list(objs)
        for activity in objs:
            activity.name_key = normalise_name(activity.name)
        return super().bulk_create(objs, *args, **kwargs)


class Activity(models.Model):
    """A task, milestone, decision or deliverable. Planned dates can move; the baseline keeps
    what was first agreed, so a slip stays visible."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    name = models.CharField(max_length=300)
    # The name as names are compared (case, accents and spacing do not count; see
    # raci.names.normalise_name), unique in the project: imports and exports match activities by
    # name, so two that read alike could never be told apart in a spreadsheet.
    name_key = models.TextField(editable=False, default="")
    kind = models.CharField(max_length=12, choices=ActivityKind.choices, default=ActivityKind.TASK)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.NOT_STARTED
    )
    planned_start = models.DateField(null=True, blank=True)
    planned_finish = models.DateField(null=True, blank=True)
    baseline_start = models.DateField(null=True, blank=True)
    baseline_finish = models.DateField(null=True, blank=True)
    actual_start = models.DateField(null=True, blank=True)
    actual_finish = models.DateField(null=True, blank=True)
    # The Accountable person also does the work, so no separate Responsible is needed.
    accountable_does_work = models.BooleanField(default=False)
    # The customer outcomes (from the stakeholder register) this activity helps bring about.
    outcomes = models.ManyToManyField("stakeholders.Outcome", blank=True, related_name="activities")

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["project", "position"])]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name_key"], name="activity_name_unique_in_project"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalise_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def clean(self):
        self.name_key = normalise_name(self.name)  # before full_clean validates the constraint
        errors = {}
        if self.planned_start and self.planned_finish and self.planned_finish < self.planned_start:
            errors["planned_finish"] = "The planned finish is before the planned start."
        if self.actual_start and self.actual_finish and self.actual_finish < self.actual_start:
            errors["actual_finish"] = "The actual finish is before the actual start."
        if self.phase_id and self.phase.project_id != self.project_id:
            errors["phase"] = "That phase belongs to another project."
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class Letter(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


class Assignment(models.Model):
    """One cell of the RACI matrix: a party holds one letter on one activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="assignments")
    party = models.ForeignKey(
        "stakeholders.Party", on_delete=models.CASCADE, related_name="raci_assignments"
    )
    letter = models.CharField(max_length=1, choices=Letter.choices)

    class Meta:
        ordering = ["activity", "party"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "party"], name="one_letter_per_activity_and_party"
            ),
            models.CheckConstraint(
                condition=models.Q(letter__in=["R", "A", "C", "I"]), name="raci_letter_is_rac_or_i"
            ),
        ]

    def __str__(self):
        return f"{self.party.name}: {self.letter} on {self.activity.name}"

    def get_additional_data(self):
        return {"org_id": self.activity.project.org_id, "project_id": self.activity.project_id}


class ConsultedInput(models.Model):
    """A Consulted party gave their input on an activity (two-way, before sign-off): when, and
    what they said. One record per party and activity; recording again updates it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="inputs_given")
    party = models.ForeignKey(
        "stakeholders.Party", on_delete=models.CASCADE, related_name="inputs_given"
    )
    given_on = models.DateField("input given on")
    note = models.TextField(blank=True, help_text="What they said, or where it is written down.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "party"], name="one_consulted_input_per_activity_and_party"
            )
        ]

    def __str__(self):
        return (
            f"{self.party.name} gave input on {self.activity.name} ({date_format(self.given_on)})"
        )

    def get_additional_data(self):
        return {"org_id": self.activity.project.org_id, "project_id": self.activity.project_id}


class RaciSettings(models.Model):
    """A project's thresholds for the RACI checks (rules.Thresholds); absent means the defaults."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="raci_settings")
    max_consulted = models.PositiveSmallIntegerField(
        "most Consulted on one activity",
        default=5,
        validators=[MaxValueValidator(200, "At most 200.")],
        help_text="More Consulted than this on one activity is a warning: every voice slows a decision.",
    )
    overload_percent = models.PositiveSmallIntegerField(
        "overload share (%)",
        default=30,
        validators=[MinValueValidator(1, "Use 1 to 100."), MaxValueValidator(100, "Use 1 to 100.")],
        help_text="A person Responsible or Accountable for more than this share of the open activities is overloaded.",
    )
    key_level = models.PositiveSmallIntegerField(
        "key customer level",
        default=4,
        validators=[MinValueValidator(1, "Use 1 to 5."), MaxValueValidator(5, "Use 1 to 5.")],
        help_text="A customer with power or interest at or above this (1-5) must hear about milestones and decisions.",
    )

    class Meta:
        verbose_name_plural = "RACI settings"

    def __str__(self):
        return f"RACI settings of {self.project.code}"

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class MatrixVersion(models.Model):
    """A number that changes whenever anything a project's RACI checks read changes.

    Kept by the database itself: triggers on the phases, activities, letters, outcome links,
    Consulted input, RACI settings, the project's stakeholders and outcomes, and the register's
    names and kinds (migration 0006) add one in the same transaction as the change, whichever
    code path made it (services, imports, bulk inserts, raw SQL). A worker may therefore keep a
    loaded matrix and its findings for as long as this number is the same (see
    rapport/raci/matrix_cache.py). ``project_id`` is a plain number, not a foreign key, so that
    deleting a project never races with its own triggers; a row left by a deleted project is
    harmless.

    When the checks start to read another table or column, a new migration must add it to the
    triggers, and tests/raci/test_matrix_kept.py's CHANGES a change of it: otherwise a kept
    matrix would be shown after that change.
    """

    project_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"RACI of project {self.project_id}: version {self.version}"


class RaciImport(models.Model):
    """An uploaded RACI spreadsheet between preview and import. The file is kept in the database so
    that any app server can apply it; pending imports older than a day are deleted."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="raci_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    layout = models.CharField(max_length=5, default="auto")  # auto, grid or list
    create_missing = models.BooleanField(default=False)
    # How to read the file, chosen on the preview: {"mapping": {header: meaning}, "sheet": name}.
    options = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"RACI import of {self.filename}"


# --- SIPOC + Outcome ---------------------------------------------------------------------------


class SipocProcess(models.Model):
    """One SIPOC + Outcome: suppliers, inputs, 4-7 process steps, outputs, outcomes, customers."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sipocs")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    # The customer outcomes (from the register) this process works towards: the O after Outputs.
    outcomes = models.ManyToManyField("stakeholders.Outcome", blank=True, related_name="sipocs")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "SIPOC process"
        constraints = [
            # whatever its case, as sipoc_create checks
            models.UniqueConstraint(
                Lower("name"), "project", name="sipoc_name_unique_in_project_ci"
            )
        ]

    def __str__(self):
        return self.name

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class SipocPart(models.Model):
    """What every entry of a SIPOC column has: its place in the column (and a `process`)."""

    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def get_additional_data(self):
        return {"org_id": self.process.project.org_id, "project_id": self.process.project_id}


class SipocSupplier(SipocPart):
    """A party that supplies an input (S)."""

    process = models.ForeignKey(SipocProcess, on_delete=models.CASCADE, related_name="suppliers")
    party = models.ForeignKey(
        "stakeholders.Party", on_delete=models.CASCADE, related_name="sipoc_supplies"
    )

    class Meta(SipocPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["process", "party"], name="sipoc_supplier_once")
        ]

    def __str__(self):
        return self.party.name


class FlowKind(models.TextChoices):
    """What an input or output of a process is (optional)."""

    MATERIAL = "material", "Material"
    SERVICE = "service", "Service"
    INFORMATION = "information", "Information"


class SipocInput(SipocPart):
    """Something the process needs (I), and optionally who supplies it."""

    process = models.ForeignKey(SipocProcess, on_delete=models.CASCADE, related_name="inputs")
    name = models.CharField(max_length=300)
    kind = models.CharField("type", max_length=12, choices=FlowKind.choices, blank=True)
    supplier = models.ForeignKey(
        SipocSupplier, on_delete=models.SET_NULL, null=True, blank=True, related_name="inputs"
    )

    def __str__(self):
        return self.name


class SipocStep(SipocPart):
    """A high-level step of the process (P); a SIPOC has 4 to 7 of them."""

    process = models.ForeignKey(SipocProcess, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(max_length=300)

    def __str__(self):
        return self.name


class SipocOutput(SipocPart):
    """What the process delivers (O): the pizza. It produces outcomes a customer wants."""

    process = models.ForeignKey(SipocProcess, on_delete=models.CASCADE, related_name="outputs")
    name = models.CharField(max_length=300)
    kind = models.CharField("type", max_length=12, choices=FlowKind.choices, blank=True)
    # The deliverable in the plan that is this output, when there is one.
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="sipoc_outputs"
    )
    outcomes = models.ManyToManyField("stakeholders.Outcome", blank=True, related_name="+")

    def __str__(self):
        return self.name


class SipocCustomer(SipocPart):
    """A party the process serves (C), and the outcomes it wants."""

    process = models.ForeignKey(SipocProcess, on_delete=models.CASCADE, related_name="customers")
    party = models.ForeignKey(
        "stakeholders.Party", on_delete=models.CASCADE, related_name="sipoc_customers"
    )
    outcomes = models.ManyToManyField("stakeholders.Outcome", blank=True, related_name="+")

    class Meta(SipocPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["process", "party"], name="sipoc_customer_once")
        ]

    def __str__(self):
        return self.party.name
