"""Promises made to customers and what was delivered against them; customers' expectations.

A commitment's terms (date and scope) change only through a renegotiation, which keeps the old
terms and the reason. Its state is stored as open / renegotiated / kept / broken; *overdue* depends
on the day and is computed (see rules.state).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from rapport.projects.models import Project
from rapport.stakeholders.models import Party, ProjectStakeholder

from . import rules


class Channel(models.TextChoices):
    MEETING = "meeting", "Meeting"
    EMAIL = "email", "E-mail"
    REPORT = "report", "Report"
    CALL = "call", "Call"
    OTHER = "other", "Other"


class CommitmentStatus(models.TextChoices):
    OPEN = rules.OPEN, "Open"
    RENEGOTIATED = rules.RENEGOTIATED, "Renegotiated"
    KEPT = rules.KEPT, "Kept"
    BROKEN = rules.BROKEN, "Broken"


class DeliveredScope(models.TextChoices):
    LESS = rules.LESS, "Less than promised"
    AS_PROMISED = rules.AS_PROMISED, "As promised"
    MORE = rules.MORE, "More than promised"


class CommitmentQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=rules.CLOSED)

    def overdue(self, today):
        """Open (or renegotiated) promises whose promised date has passed."""
        return self.open().filter(promised_date__lt=today)


class Commitment(models.Model):
    """A promise to a party: what, by when, which scope; who made it, when and where."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="commitments")
    # A party removed from the register leaves its promises on record, without a name.
    party = models.ForeignKey(
        Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="commitments"
    )
    what = models.CharField("what was promised", max_length=300)
    # The milestone (or deliverable) of the plan that delivers it: its date is checked against
    # the promised one (rules.plan_date_findings).
    activity = models.ForeignKey(
        "raci.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name="delivered by (in the plan)",
    )
    promised_date = models.DateField("promised by")
    promised_scope = models.TextField(
        "promised scope", blank=True, help_text="What exactly counts as delivered."
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments_made",
    )
    made_on = models.DateField("made on", default=timezone.localdate)
    channel = models.CharField(
        "made in", max_length=10, choices=Channel.choices, default=Channel.MEETING
    )
    made_where = models.CharField(
        "where exactly",
        max_length=200,
        blank=True,
        help_text="The meeting, e-mail or report, e.g. “Steering committee of 3 September”.",
    )
    status = models.CharField(
        max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    # The first promised date: kept so a renegotiated promise is also measured against it.
    original_date = models.DateField("first promised by")
    delivered_on = models.DateField(null=True, blank=True)
    delivered_scope = models.CharField(max_length=4, choices=DeliveredScope.choices, blank=True)
    delivery_notes = models.TextField(blank=True)
    broken_reason = models.TextField("why it was not delivered", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["promised_date", "pk"]
        indexes = [models.Index(fields=["project", "status", "promised_date"])]

    def __str__(self):
        return self.what

    def clean(self):
        errors = {}
        if self.party_id and self.project_id and self.party.org_id != self.project.org_id:
            errors["party"] = "That party is in another organisation's register."
        if self.activity_id and self.project_id and self.activity.project_id != self.project_id:
            errors["activity"] = "That plan item is on another project."
        if self.made_on and self.promised_date and self.promised_date < self.made_on:
            errors["promised_date"] = "A promise cannot be due before the day it was made."
        if self.delivered_on and self.made_on and self.delivered_on < self.made_on:
            errors["delivered_on"] = "A delivery cannot be before the promise was made."
        if self.status == rules.KEPT and not self.delivered_on:
            errors["delivered_on"] = "A kept promise has a delivery date."
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    def facts(self, renegotiations: int | None = None) -> rules.PromiseFacts:
        count = renegotiations
        if count is None:
            count = getattr(self, "renegotiation_count", None)
        if count is None:
            count = self.renegotiations.count()
        return rules.PromiseFacts(
            id=self.pk,
            promised_date=self.promised_date,
            status=self.status,
            original_date=self.original_date,
            delivered_on=self.delivered_on,
            delivered_scope=self.delivered_scope,
            renegotiations=count,
            made_by=self.made_by_id,
            party=self.party_id,
        )

    def state_on(self, today) -> str:
        return rules.state(self.facts(renegotiations=0), today)

    @property
    def is_closed(self) -> bool:
        return self.status in rules.CLOSED


class Renegotiation(models.Model):
    """New terms agreed for a promise, with the old terms kept and the reason."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="renegotiations"
    )
    old_date = models.DateField()
    old_scope = models.TextField(blank=True)
    new_date = models.DateField()
    new_scope = models.TextField(blank=True)
    reason = models.TextField()
    agreed_on = models.DateField(default=timezone.localdate)
    renegotiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return (
            f"{self.commitment.what}: {date_format(self.old_date)} → {date_format(self.new_date)}"
        )

    def get_additional_data(self):
        project = self.commitment.project
        return {"org_id": project.org_id, "project_id": project.pk}


class ExpectationKind(models.TextChoices):
    BUDGET = rules.BUDGET, "Budget"
    DATE = rules.DATE, "Date"
    SCOPE = rules.SCOPE, "Scope"
    QUALITY = rules.QUALITY, "Quality"


class Expectation(models.Model):
    """What a customer expects about budget, date, scope or quality, in their own words and as
    a number (or date) where there is one."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="expectations")
    stakeholder = models.ForeignKey(
        ProjectStakeholder, on_delete=models.CASCADE, related_name="stated_expectations"
    )
    kind = models.CharField(max_length=8, choices=ExpectationKind.choices)
    words = models.TextField("in their own words")
    amount = models.DecimalField(
        "amount",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "An amount cannot be negative.")],
        help_text="For a budget: the most they expect to pay, in the project's currency.",
    )
    expected_date = models.DateField(
        "expected by", null=True, blank=True, help_text="For a date: the latest date they accept."
    )
    plan_contradicts = models.BooleanField(
        "the plan contradicts it",
        default=False,
        help_text="Your judgement, for scope and quality, which no figure checks.",
    )
    plan_note = models.TextField(
        "what the plan says", blank=True, help_text="Where the plan differs, in a sentence."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.words[:60]}"

    def clean(self):
        errors = {}
        if (
            self.stakeholder_id
            and self.project_id
            and self.stakeholder.project_id != self.project_id
        ):
            errors["stakeholder"] = "That stakeholder is on another project."
        if self.amount is not None and self.kind == rules.DATE:
            errors["amount"] = "A date expectation has a date, not an amount."
        if self.expected_date is not None and self.kind != rules.DATE:
            errors["expected_date"] = "Only a date expectation has an expected date."
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    def facts(self) -> rules.ExpectationFacts:
        return rules.ExpectationFacts(
            id=self.pk,
            holder=self.stakeholder.party.name,
            kind=self.kind,
            words=self.words,
            amount=float(self.amount) if self.amount is not None else None,
            expected_date=self.expected_date,
            plan_contradicts=self.plan_contradicts,
            plan_note=self.plan_note,
        )


class RealismLevel(models.IntegerChoices):
    P80 = 80, "P80: warn unless the estimate gives the date 80 % confidence (cautious)"
    P50 = 50, "P50: warn only when the date is earlier than the estimate's median"


class PromisePolicy(models.Model):
    """A project's rule for over-promising: a promise resting on the project's finish earlier
    than the estimate's P80 (or P50) date is flagged when it is recorded. Absent means P80."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="promise_policy")
    realism_level = models.PositiveSmallIntegerField(
        "warn about over-promising against",
        choices=RealismLevel.choices,
        default=RealismLevel.P80,
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(realism_level__in=[50, 80]), name="promise_realism_p50_or_p80"
            )
        ]

    def __str__(self):
        return f"Promise policy of {self.project.code}: P{self.realism_level}"

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}
