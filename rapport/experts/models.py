"""Subject-matter experts in the register: areas, availability, the projects they helped.

An *expertise area* is an entry in the organisation's catalogue ("data migration", "security").
An *expert* is a party of the register with one or more areas, how available they are, and notes.
The projects they helped are derived from the RACI (Responsible or Consulted on an activity of
the project) plus an explicit list. A project's activities are tagged with areas
(``ActivityArea``): that is how a project knows which of its areas has no expert consulted.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from rapport.accounts.models import Organisation
from rapport.lib.validation import refuse_control_characters
from rapport.projects.models import Project
from rapport.raci.models import Activity
from rapport.raci.names import normalise_name
from rapport.stakeholders.models import Party


class Expertise(models.Model):
    """An area of expertise in the organisation's catalogue."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="expertise_areas")
    name = models.CharField("area", max_length=120)
    # The name as names are compared (case, accents and spacing do not count), unique in the org.
    name_key = models.CharField(max_length=120, editable=False, default="")
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name_key", "pk"]
        verbose_name = "expertise area"
        constraints = [
            models.UniqueConstraint(fields=["org", "name_key"], name="expertise_name_unique_in_org")
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
            raise ValidationError({"name": "Give the area a name."})

    def get_additional_data(self):
        return {"org_id": self.org_id}


class Availability(models.TextChoices):
    AVAILABLE = "available", "Available"
    LIMITED = "limited", "Limited"
    UNAVAILABLE = "unavailable", "Unavailable"


class Expert(models.Model):
    """A party of the register who knows about some areas, and can be asked."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="experts")
    party = models.OneToOneField(Party, on_delete=models.CASCADE, related_name="expert")
    areas = models.ManyToManyField(Expertise, related_name="experts", verbose_name="areas")
    availability = models.CharField(
        max_length=12, choices=Availability.choices, default=Availability.AVAILABLE
    )
    availability_note = models.CharField(
        "availability, in words",
        max_length=200,
        blank=True,
        help_text="e.g. “Tuesdays only”, “back in March”.",
    )
    notes = models.TextField(
        blank=True, help_text="What they know, what they did: “Who knows about X?” searches it."
    )
    helped_projects = models.ManyToManyField(
        Project,
        blank=True,
        related_name="experts_helped",
        verbose_name="projects they helped (besides the RACI)",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["party__name", "pk"]
        indexes = [models.Index(fields=["org", "availability"])]

    def __str__(self):
        return self.party.name

    def clean(self):
        if self.party_id and self.org_id and self.party.org_id != self.org_id:
            raise ValidationError({"party": "That party is in another organisation's register."})

    def get_additional_data(self):
        return {"org_id": self.org_id}


class ActivityArea(models.Model):
    """An activity of a project touches an area of expertise."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="area_links")
    area = models.ForeignKey(Expertise, on_delete=models.CASCADE, related_name="activity_links")

    class Meta:
        ordering = ["activity", "area"]
        verbose_name = "area of an activity"
        constraints = [
            models.UniqueConstraint(fields=["activity", "area"], name="activity_area_once")
        ]

    def __str__(self):
        return f"{self.activity.name}: {self.area.name}"

    def get_additional_data(self):
        return {"org_id": self.area.org_id, "project_id": self.activity.project_id}
