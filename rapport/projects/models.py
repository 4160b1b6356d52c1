"""Projects, their goals and who works on them."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from rapport.accounts.models import Organisation, OrgMembership
from rapport.lib.validation import refuse_control_characters

code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9-]{0,15}$",
    "Use 1–16 capital letters, digits or hyphens, starting with a letter (like CRM or ERP-2).",
)

CURRENCIES = [
    ("EUR", "EUR — euro"),
    ("USD", "USD — US dollar"),
    ("GBP", "GBP — pound sterling"),
    ("CHF", "CHF — Swiss franc"),
    ("CAD", "CAD — Canadian dollar"),
    ("AUD", "AUD — Australian dollar"),
    ("JPY", "JPY — yen"),
    ("SEK", "SEK — Swedish krona"),
    ("NOK", "NOK — Norwegian krone"),
    ("DKK", "DKK — Danish krone"),
    ("PLN", "PLN — złoty"),
    ("INR", "INR — Indian rupee"),
    ("BRL", "BRL — real"),
    ("ZAR", "ZAR — rand"),
]


class ProjectState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (for example Europe/Paris).")


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Projects the user may see: every project of an organisation they own, and those they
        are a member of. Access rules themselves live in rapport.accounts.access."""
        if not user.is_authenticated:
            return self.none()
        # Subqueries, not joins: a join on memberships here would be reused by a later
        # Count("memberships") and count only the viewer's own membership.
        return self.filter(
            models.Q(org__in=OrgMembership.objects.filter(user=user, role="owner").values("org"))
            | models.Q(pk__in=ProjectMembership.objects.filter(user=user).values("project"))
        )


class Project(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="projects")
    code = models.CharField(
        max_length=16,
        validators=[code_validator],
        help_text="Short and unique in the organisation, like CRM.",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    business_case = models.TextField(blank=True, help_text="Why the organisation does this.")
    start_date = models.DateField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    budget = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "A budget cannot be negative.")],
    )
    currency = models.CharField(max_length=3, choices=CURRENCIES, default="EUR")
    state = models.CharField(
        max_length=12, choices=ProjectState.choices, default=ProjectState.PROPOSED
    )
    time_zone = models.CharField(
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
        help_text="Schedules and reports of this project use this time zone.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["org", "code"], name="project_code_unique_in_org")
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    def clean(self):
        refuse_control_characters(self, "name")  # it reaches e-mail subjects and headers
        if self.start_date and self.target_date and self.target_date < self.start_date:
            raise ValidationError({"target_date": "The target date is before the start date."})

    def get_additional_data(self):
        return {"org_id": self.org_id, "project_id": self.pk}

    # user_level is set by rapport.accounts.access when a project is fetched for a user.
    @property
    def can_contribute(self) -> bool:
        return getattr(self, "user_level", 0) >= 2

    @property
    def can_manage(self) -> bool:
        return getattr(self, "user_level", 0) >= 3

    @property
    def can_delete(self) -> bool:
        return getattr(self, "user_level", 0) >= 4


class Goal(models.Model):
    """A project goal. Customers' value criteria are aligned to goals."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class ProjectRole(models.TextChoices):
    MANAGER = "manager", "Manager"
    CONTRIBUTOR = "contributor", "Contributor"
    VIEWER = "viewer", "Viewer"


class ProjectMembership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(max_length=12, choices=ProjectRole.choices, default=ProjectRole.VIEWER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_role_per_project_user")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()} on {self.project.code})"

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}
