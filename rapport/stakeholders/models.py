"""Customers: the organisation's register of parties, and who they are to each project.

A *party* is a person or a group (a department, "the sales team", a union, "future generations")
in the organisation's register; it needs no account. A *project stakeholder* is a party on one
project, with its roles, whether it is a customer of that project, and the customer analysis.
Value criteria and outcomes say what each customer counts as success, and whether they agree.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format

from rapport.accounts.models import Organisation
from rapport.lib.validation import refuse_control_characters
from rapport.projects.models import Goal, Project

from . import rules

SCALE = [
    MinValueValidator(1, "Use 1 (lowest) to 5 (highest)."),
    MaxValueValidator(5, "Use 1 (lowest) to 5 (highest)."),
]


class Category(models.Model):
    """A kind of stakeholder in the organisation's editable taxonomy (union, regulator, ...)."""

    org = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="stakeholder_categories"
    )
    name = models.CharField(max_length=80)
    hint = models.CharField(
        max_length=200, blank=True, help_text="The question the identification prompt asks."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "org", name="category_name_unique_in_org"),
        ]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_additional_data(self):
        return {"org_id": self.org_id}


class PartyQuerySet(models.QuerySet):
    def search(self, query: str):
        if not query:
            return self
        return self.filter(
            models.Q(name__icontains=query)
            | models.Q(organisation__icontains=query)
            | models.Q(department__icontains=query)
            | models.Q(title__icontains=query)
            | models.Q(email__icontains=query)
        )


class Party(models.Model):
    """A person or a group in the organisation's register of customers and stakeholders."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(max_length=10, choices=rules.KINDS, default="person")
    name = models.CharField(max_length=200)
    organisation = models.CharField(
        "organisation", max_length=200, blank=True, help_text="Company or body they belong to."
    )
    department = models.CharField(max_length=200, blank=True)
    title = models.CharField("title or function", max_length=200, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField(max_length=50, blank=True)
    relationship = models.CharField(
        "internal or external",
        max_length=10,
        choices=rules.RELATIONSHIPS,
        default="internal",
        help_text="External customers are outside the company and pay or trade for the service.",
    )
    payment = models.CharField(
        "how they pay",
        max_length=12,
        choices=rules.PAYMENTS,
        default="none",
        help_text="External customers pay or trade (cash or trade, contract); a chargeback is internal money and keeps them internal.",
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="parties")
    reports_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    represents = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representatives",
        help_text="The person or group this party speaks for.",
    )
    notes = models.TextField(blank=True)
    # Communication preferences: they count per person, across every project's plan.
    preferred_channel = models.CharField(
        "preferred channel", max_length=12, choices=rules.PREFERRED_CHANNELS, blank=True
    )
    max_per_week = models.PositiveSmallIntegerField(
        "at most, communications per week",
        null=True,
        blank=True,
        validators=[MaxValueValidator(rules.MAX_PER_WEEK_LIMIT)],
        help_text="Empty: the organisation's usual threshold applies.",
    )
    quiet_days = models.CharField(
        "quiet days",
        max_length=30,
        blank=True,
        help_text="Weekdays they do not want to be contacted, e.g. sat,sun.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name"), "pk"]
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(
                Lower("name"), Lower("organisation"), "org", name="party_unique_in_org"
            ),
        ]
        indexes = [
            models.Index(fields=["org", "name"]),
            # The register's order: a page, first or last, is an index range, not a sort of all.
            models.Index("org", Lower("name"), "id", name="party_register_order"),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    def clean(self):
        refuse_control_characters(self, "name", "organisation")  # both reach e-mail headers
        errors = {}
        payment_problem = rules.payment_problem(self.relationship, self.payment)
        if payment_problem:
            errors["payment"] = payment_problem
        for field in ("reports_to", "represents"):
            other = getattr(self, field)
            if other is not None and self.pk is not None and other.pk == self.pk:
                errors[field] = "A party cannot point to itself."
            elif other is not None and other.org_id != self.org_id:
                errors[field] = "That party is in another organisation's register."
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self):
        return {"org_id": self.org_id}

    @property
    def is_external(self) -> bool:
        return self.relationship == "external"

    @property
    def affiliation(self) -> str:
        return " · ".join(x for x in (self.title, self.department, self.organisation) if x)


class ProjectStakeholder(models.Model):
    """A party on one project: its roles there and the customer analysis."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stakeholders")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="stakeholdings")
    roles = models.JSONField(default=list, blank=True)
    is_customer = models.BooleanField(
        "customer of this project",
        default=False,
        help_text="Gets value from what the project delivers.",
    )
    benefits = models.TextField(
        "what the project gives them",
        blank=True,
        help_text="Who it serves and the key benefits they expect.",
    )
    weighs_in_on = models.TextField(
        "weighs in on", blank=True, help_text="Decisions and topics they have a say in."
    )
    power = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCALE)
    interest = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCALE)
    attitude = models.CharField(max_length=10, choices=rules.ATTITUDES, blank=True)
    nervous = models.BooleanField(
        default=False, help_text="Worried about the project: a PM needs to see this."
    )
    concerns = models.TextField(blank=True)
    engagement_now = models.CharField(
        "engagement now", max_length=12, choices=rules.ENGAGEMENT, blank=True
    )
    engagement_needed = models.CharField(
        "engagement needed", max_length=12, choices=rules.ENGAGEMENT, blank=True
    )
    expectations = models.TextField(blank=True, help_text="In their own words.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["party__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "party"], name="one_stakeholding_per_project_party"
            )
        ]

    def __str__(self):
        return f"{self.party.name} on {self.project.code}"

    def clean(self):
        unknown = [r for r in self.roles or [] if r not in dict(rules.ROLES)]
        if not isinstance(self.roles, list) or unknown:
            raise ValidationError({"roles": f"Unknown roles: {', '.join(map(str, unknown))}."})
        if self.party_id and self.project_id and self.party.org_id != self.project.org_id:
            raise ValidationError({"party": "That party is in another organisation's register."})

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def role_labels(self) -> list[str]:
        return [rules.label(rules.ROLES, r) for r in self.roles or []]

    @property
    def quadrant(self) -> str | None:
        return rules.quadrant(self.power, self.interest)

    @property
    def strategy(self) -> str:
        return rules.quadrant_strategy(self.power, self.interest)

    @property
    def engagement_gap(self) -> int | None:
        return rules.engagement_gap(self.engagement_now, self.engagement_needed)


class CategoryConsideration(models.Model):
    """A category someone considered for a project and found not applicable, and why."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="category_considerations"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="considerations")
    reason = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "category"], name="one_consideration_per_category"
            )
        ]

    def __str__(self):
        return f"{self.category.name}: not applicable to {self.project.code}"

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class ValueCriterion(models.Model):
    """What value means to one stakeholder, weighted, aligned to the project goals it serves."""

    stakeholder = models.ForeignKey(
        ProjectStakeholder, on_delete=models.CASCADE, related_name="criteria"
    )
    text = models.CharField("what value means to them", max_length=300)
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[
            MinValueValidator(1, "A weight is at least 1."),
            MaxValueValidator(100, "A weight is at most 100."),
        ],
        help_text="Relative: a criterion of weight 3 counts three times as much as one of weight 1.",
    )
    goals = models.ManyToManyField(Goal, blank=True, related_name="value_criteria")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "value criteria"

    def __str__(self):
        return self.text

    def get_additional_data(self):
        project = self.stakeholder.project
        return {"org_id": project.org_id, "project_id": project.pk}


class Outcome(models.Model):
    """A desired outcome agreed with customer groups: in words, and as a measurable target."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes")
    title = models.CharField("desired outcome", max_length=300)
    description = models.TextField(blank=True)
    metric = models.CharField(
        max_length=200, blank=True, help_text="What is measured, e.g. cross-sell revenue."
    )
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. %, EUR, minutes")
    baseline = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    due_date = models.DateField("target date", null=True, blank=True)
    is_csf = models.BooleanField(
        "critical success factor",
        default=False,
        help_text="The project fails for its customers if this is not met.",
    )
    # The expected benefit, stated up front like guidance on an investor call: the value of the
    # metric expected at the target date, as a range with a P50 and a P80 (the level we are 80 %
    # sure to reach: the promise), and what the forecast assumes. Checked against the first
    # measurement on or after the target date (selectors.annotate_outcome).
    benefit_low = models.DecimalField(
        "forecast range: low", max_digits=16, decimal_places=4, null=True, blank=True
    )
    benefit_p50 = models.DecimalField(
        "forecast P50", max_digits=16, decimal_places=4, null=True, blank=True
    )
    benefit_p80 = models.DecimalField(
        "forecast P80", max_digits=16, decimal_places=4, null=True, blank=True
    )
    benefit_high = models.DecimalField(
        "forecast range: high", max_digits=16, decimal_places=4, null=True, blank=True
    )
    benefit_assumptions = models.TextField("forecast assumptions", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_csf", "title", "pk"]

    def __str__(self):
        return self.title

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class OutcomeMeasurement(models.Model):
    """The outcome's measured value on a day: its history shows the trend toward the target."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=4)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["measured_on", "pk"]

    def __str__(self):
        return f"{self.outcome.title}: {self.value} on {date_format(self.measured_on)}"

    def get_additional_data(self):
        project = self.outcome.project
        return {"org_id": project.org_id, "project_id": project.pk}


class OutcomePosition(models.Model):
    """Where one customer concerned stands on an outcome: pending, agreed or objected (and why)."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="positions")
    stakeholder = models.ForeignKey(
        ProjectStakeholder, on_delete=models.CASCADE, related_name="positions"
    )
    status = models.CharField(max_length=10, choices=rules.POSITIONS, default="pending")
    reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["stakeholder__party__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "stakeholder"], name="one_position_per_outcome_stakeholder"
            )
        ]

    def __str__(self):
        return f"{self.stakeholder.party.name}: {self.get_status_display().lower()} on {self.outcome.title}"

    def clean(self):
        if self.status == "objected" and not (self.reason or "").strip():
            raise ValidationError(
                {"reason": "Say why they object: the reason is what gets the conflict settled."}
            )

    def get_additional_data(self):
        project = self.outcome.project
        return {"org_id": project.org_id, "project_id": project.pk}


class OutcomeConflict(models.Model):
    """Two outcomes that pull against each other (more infrastructure vs cost cuts)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcome_conflicts")
    first = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="+")
    description = models.TextField(blank=True, help_text="How they conflict.")
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["resolved_at", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"], name="one_conflict_per_outcome_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="conflict_pair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.first.title} ⟷ {self.second.title}"

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class RegisterImport(models.Model):
    """An uploaded spreadsheet waiting between preview and import. The file is kept in the database
    so that any app server can apply it; pending imports expire after a day."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="register_imports")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="register_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    # How to read the file, chosen on the preview: {"mapping": {header: meaning}, "sheet": name,
    # "create_missing_categories": bool}.
    options = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import of {self.filename}"


class SavedMappingKind(models.TextChoices):
    """The imports a saved column mapping is for (each has its own column meanings)."""

    REGISTER = "register", "Register (the organisation's)"
    CUSTOMERS = "customers", "Customers (of a project)"
    RACI = "raci", "RACI (of a project)"


class SavedMapping(models.Model):
    """Column meanings a PM corrected once and chose again for next week's export of the same
    spreadsheet: {header as written: meaning}. Shared by every project of the organisation."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="saved_mappings")
    kind = models.CharField(max_length=20, choices=SavedMappingKind.choices)
    name = models.CharField(max_length=80)
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "org", "kind", name="saved_mapping_name_unique_per_kind"
            ),
        ]
        verbose_name = "saved column mapping"

    def __str__(self):
        return self.name

    def clean(self):
        refuse_control_characters(self, "name")

    def get_additional_data(self):
        return {"org_id": self.org_id}
