"""The communication plan and everything that delivers it: plan rows, deliveries (one per plan row,
occurrence and recipient, exactly once), stakeholder portal links with feedback, calendar feeds.

The cadence rules (RRULE parsing, occurrences, catch-up, delivery keys, load) are in rules.py.
"""

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from rapport.projects.models import Project

from . import rules


class CommType(models.TextChoices):
    SIMPLE = "simple", "Simple progress report"
    DETAILED = "detailed", "Detailed progress report"
    DASHBOARD = "dashboard", "Statistical dashboard"
    MEETING = "meeting", "Status meeting"
    CUSTOM = "custom", "Custom report"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail (also in the portal)"
    PORTAL = "portal", "Portal only"
    MEETING = "meeting", "Meeting (calendar)"


# Report types a delivery renders; a status meeting is a calendar event, not a document.
REPORT_TYPES = (CommType.SIMPLE, CommType.DETAILED, CommType.DASHBOARD, CommType.CUSTOM)
DELIVERED_CHANNELS = (Channel.EMAIL, Channel.PORTAL)


def validate_rrule(value: str) -> None:
    try:
        rules.parse_rule(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class PlanRowQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class PlanRow(models.Model):
    """Who gets what, how often, through which channel: one row of a project's communication plan."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plan_rows")
    audience_parties = models.ManyToManyField(
        "stakeholders.Party", blank=True, related_name="plan_rows", verbose_name="audience"
    )
    audience_category = models.ForeignKey(
        "stakeholders.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_rows",
        help_text="Everyone of this kind on the project's customer list, now and later.",
    )
    comm_type = models.CharField(
        "communication", max_length=10, choices=CommType.choices, default=CommType.SIMPLE
    )
    custom_intro = models.TextField(
        "custom opening",
        blank=True,
        help_text="For a custom report: the paragraph that opens it, in your words.",
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    rrule = models.CharField(
        "frequency",
        max_length=300,
        validators=[validate_rrule],
        help_text="An iCalendar rule, e.g. FREQ=WEEKLY;BYDAY=MO (or pick a preset).",
    )
    start_date = models.DateField(help_text="The first day the cadence counts from.")
    send_time = models.TimeField(help_text="Local time in the project's time zone.")
    duration_minutes = models.PositiveSmallIntegerField(
        "meeting length (minutes)",
        default=30,
        validators=[
            MinValueValidator(5, "At least 5 minutes."),
            MaxValueValidator(480, "At most 8 hours."),
        ],
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_plan_rows",
    )
    purpose = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    # Everything at or before this moment has been scheduled or knowingly skipped (rules.catch_up).
    last_run = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlanRowQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_comm_type_display()} for {self.audience_label or 'nobody yet'}"

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}

    @property
    def dtstart_local(self) -> datetime:
        return datetime.combine(self.start_date, self.send_time).replace(microsecond=0)

    @property
    def cadence(self) -> str:
        try:
            return rules.describe(self.rrule, self.dtstart_local)
        except ValueError:
            return self.rrule

    @property
    def audience_label(self) -> str:
        """Names of the parties and the category, from prefetched data when there is any."""
        names = [p.name for p in self.audience_parties.all()] if self.pk else []
        if self.audience_category_id:
            names.append(f"every {self.audience_category.name}")
        return ", ".join(names)

    @property
    def is_delivered(self) -> bool:
        return self.channel in DELIVERED_CHANNELS and self.comm_type in REPORT_TYPES


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    RENDERING = "rendering", "Rendering"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class DeliveryQuerySet(models.QuerySet):
    def ready(self, now):
        """Claimable now: pending and due, or abandoned by a worker whose lease ran out."""
        return self.filter(
            models.Q(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            | models.Q(
                state__in=[DeliveryState.RENDERING, DeliveryState.SENDING], lease_until__lt=now
            )
        )


class Delivery(models.Model):
    """One report to one recipient for one occurrence of a plan row: created exactly once (unique
    ``key``), claimed with a lease, and moved pending → rendering → sending → sent / failed."""

    key = models.CharField(max_length=200, unique=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deliveries")
    plan_row = models.ForeignKey(PlanRow, on_delete=models.CASCADE, related_name="deliveries")
    party = models.ForeignKey(
        "stakeholders.Party", on_delete=models.CASCADE, related_name="deliveries"
    )
    occurrence = models.DateTimeField()
    manual = models.BooleanField(default=False, help_text="Sent with “Send now”.")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    comm_type = models.CharField(max_length=10, choices=CommType.choices)
    email = models.EmailField(blank=True)
    status_update = models.ForeignKey(
        "status.StatusUpdate",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    # Reclaimed from "sending": SMTP may have taken the first copy (see services.py).
    maybe_duplicate = models.BooleanField(default=False)
    message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurrence", "pk"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["project", "-occurrence"]),
            models.Index(fields=["party", "-occurrence"]),
        ]

    def __str__(self):
        return f"{self.get_comm_type_display()} to {self.party.name} ({self.occurrence:%Y-%m-%d %H:%M})"

    @property
    def is_visible_to_recipient(self) -> bool:
        return self.state == DeliveryState.SENT and self.status_update_id is not None


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token(prefix: str) -> tuple[str, str]:
    """A fresh random token and the SHA-256 hash the database keeps of it."""
    raw = prefix + secrets.token_urlsafe(32)
    return raw, token_hash(raw)


class PortalLink(models.Model):
    """A party's personal, revocable access to the reports of one project addressed to them.

    The secrets that open it are :class:`PortalToken` rows: one per e-mail that carried a link,
    each kept only as a hash. Nothing is derived from SECRET_KEY, so a copy of the database opens
    nothing, and a restore under another SECRET_KEY keeps every link working. Revoking sets
    ``revoked_at`` and stops every token of the link; the next report makes a new link.
    """

    PREFIX = "rpl_"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="portal_links")
    party = models.ForeignKey(
        "stakeholders.Party", on_delete=models.CASCADE, related_name="portal_links"
    )
    password = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Wrong passwords in a row, and until when the link refuses every try (portal_unlock_attempt).
    failed_unlocks = models.PositiveIntegerField(default=0)
    unlock_paused_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "party"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_open_portal_link_per_party",
            )
        ]

    def __str__(self):
        return f"Portal link of {self.party.name} on {self.project.code}"

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class PortalToken(models.Model):
    """One secret that opens a portal link, made when an e-mail carries it to the party (a report,
    or a "resend the link" a team member asked for). The raw token exists only in that e-mail;
    the database keeps its SHA-256. Team members never see it."""

    link = models.ForeignKey(PortalLink, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    delivery = models.ForeignKey(
        "Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_to = models.EmailField(blank=True)
    # Who asked for the link to be resent (empty for a report e-mail).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Token of {self.link} sent to {self.sent_to or 'nobody'}"


class FeedbackSource(models.TextChoices):
    # Through a link e-mailed to the party, in a browser not signed in to the project's team.
    PORTAL = "portal", "Their own portal link"
    # Given before Rapport recorded how answers arrived, when the team could open the link too.
    UNVERIFIED = "unverified", "Unverified (from before answers were traced)"


class FeedbackQuerySet(models.QuerySet):
    def from_the_stakeholder(self):
        """Answers the evidence may count: given through the party's own link."""
        return self.filter(source=FeedbackSource.PORTAL)

    def comments(self):
        return self.exclude(comment="").filter(commented_at__isnull=False)

    def awaiting_answer(self):
        """Comments nobody has replied to, acted on or closed since they were made."""
        answered = (
            models.Q(replied_at__gte=models.F("commented_at"))
            | models.Q(acted_on_at__gte=models.F("commented_at"))
            | models.Q(closed_at__gte=models.F("commented_at"))
        )
        return self.comments().exclude(answered)


class Feedback(models.Model):
    """A recipient's answer to one report: acknowledged, a 1–5 rating, a comment."""

    delivery = models.OneToOneField(Delivery, on_delete=models.CASCADE, related_name="feedback")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="report_feedback")
    party = models.ForeignKey("stakeholders.Party", on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "Rate from 1 to 5."),
            MaxValueValidator(5, "Rate from 1 to 5."),
        ],
    )
    rated_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    # Closing the loop on a comment (services.comment_reply / _acted_on / _close): the PM's
    # reply, shown in the stakeholder's portal, and when it was acted on and closed. A new
    # comment after them reopens the loop (it is newer than every answer).
    commented_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acted_on_at = models.DateTimeField(null=True, blank=True)
    acted_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(
        "how it arrived",
        max_length=12,
        choices=FeedbackSource.choices,
        default=FeedbackSource.UNVERIFIED,  # counted only when the portal says where it came from
    )
    # The e-mailed token the answer came through (which e-mail, to which address).
    token = models.ForeignKey(
        PortalToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["project", "rated_at"]),
            models.Index(fields=["project", "commented_at"]),
        ]

    def __str__(self):
        return f"Feedback of {self.party.name} on delivery {self.delivery_id}"

    COMMENT_STATES = {
        "awaiting": "Waiting for an answer",
        "replied": "Replied",
        "acted-on": "Acted on",
        "closed": "Closed",
    }

    @property
    def comment_state(self) -> str:
        """Where the loop on the comment stands: awaiting, replied, acted-on or closed (the
        furthest answer given since the comment was last changed); "" without a comment."""
        if not self.comment:
            return ""

        def since_comment(moment) -> bool:
            return moment is not None and (self.commented_at is None or moment >= self.commented_at)

        for state, moment in (
            ("closed", self.closed_at),
            ("acted-on", self.acted_on_at),
            ("replied", self.replied_at),
        ):
            if since_comment(moment):
                return state
        return "awaiting"

    @property
    def comment_state_label(self) -> str:
        return self.COMMENT_STATES.get(self.comment_state, "")

    def get_additional_data(self):
        return {"org_id": self.project.org_id, "project_id": self.project_id}


class CalendarFeed(models.Model):
    """A secret, revocable iCalendar URL: a project's communication schedule, or one person's.

    Only the token's hash is kept (shown once, when made), never derived from SECRET_KEY."""

    PREFIX = "rcal_"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    token_hash = models.CharField(max_length=64, unique=True)  # the raw token is shown once
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, user__isnull=True)
                | models.Q(project__isnull=True, user__isnull=False),
                name="calendar_feed_of_project_or_person",
            )
        ]

    def __str__(self):
        return f"Calendar feed of {self.project.code if self.project_id else self.user}"

    def get_additional_data(self):
        if self.project_id:
            return {"org_id": self.project.org_id, "project_id": self.project_id}
        return {}
