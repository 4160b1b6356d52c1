"""Every write about the communication plan, portal links, recipients' feedback, calendar feeds
and "Send now". The scheduler and the worker (exactly-once delivery) are in delivery.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.lib.audit import acting_as
from rapport.lib.validation import field_error, validated_save

from . import rules, selectors
from .models import (
    CalendarFeed,
    Channel,
    CommType,
    Delivery,
    DeliveryState,
    Feedback,
    PlanRow,
    PortalLink,
)

PLAN_FIELDS = (
    "comm_type",
    "custom_intro",
    "channel",
    "rrule",
    "start_date",
    "send_time",
    "duration_minutes",
    "owner",
    "purpose",
    "active",
)
SEND_NOW_GUARD = timedelta(seconds=60)  # a double click sends once


def _unknown(fields: dict, allowed, what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(f"Unknown {what} fields: {', '.join(sorted(unknown))}")


def _check_row(row: PlanRow, parties: list) -> None:
    errors = {}
    try:
        row.rrule = rules.parse_rule(row.rrule or "").text
    except ValueError as error:
        errors["rrule"] = str(error)
    if row.comm_type == CommType.MEETING and row.channel != Channel.MEETING:
        errors["channel"] = "A status meeting happens in a meeting: choose the meeting channel."
    if row.channel == Channel.MEETING and row.comm_type != CommType.MEETING:
        errors["comm_type"] = (
            "A report goes by e-mail or to the portal; a meeting channel is for status meetings."
        )
    if not parties and row.audience_category_id is None and row.comm_type != CommType.MEETING:
        # A status meeting may be the team's own; a report must go to someone.
        errors["audience_parties"] = "Choose who gets it: one or more parties, or a category."
    for party in parties:
        if party.org_id != row.project.org_id:
            errors["audience_parties"] = "That party is in another organisation's register."
    if row.audience_category_id and row.audience_category.org_id != row.project.org_id:
        errors["audience_category"] = "That category belongs to another organisation."
    if row.owner_id:
        from rapport.accounts.access import project_level

        if project_level(row.owner, row.project) == 0:
            errors["owner"] = "The owner must be on the project's team."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_row_create(
    *,
    actor,
    project,
    audience_parties=(),
    audience_category=None,
    now: datetime | None = None,
    **fields,
) -> PlanRow:
    """Add a row to the communication plan. Its schedule starts now: a start date in the past
    does not send a backlog."""
    _unknown(fields, PLAN_FIELDS, "plan row")
    parties = list(audience_parties or [])
    row = PlanRow(project=project, audience_category=audience_category, **fields)
    row.last_run = now or timezone.now()
    _check_row(row, parties)
    with acting_as(actor):
        validated_save(row)
        row.audience_parties.set(parties)
    return row


@transaction.atomic
def plan_row_update(
    *, actor, row: PlanRow, audience_parties=None, audience_category=..., **fields
) -> PlanRow:
    """Change a row. Occurrences already scheduled keep their deliveries; the new cadence applies
    from now on (no backlog from an earlier start date)."""
    _unknown(fields, PLAN_FIELDS, "plan row")
    row = PlanRow.objects.select_for_update().select_related("project").get(pk=row.pk)
    for name, value in fields.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    if audience_category is not ...:
        row.audience_category = audience_category
    parties = (
        list(audience_parties) if audience_parties is not None else list(row.audience_parties.all())
    )
    _check_row(row, parties)
    if {"rrule", "start_date", "send_time", "active"} & set(fields):
        row.last_run = max(row.last_run or timezone.now(), timezone.now())
    with acting_as(actor):
        validated_save(row)
        if audience_parties is not None:
            row.audience_parties.set(parties)
    return row


@transaction.atomic
def plan_row_delete(*, actor, row: PlanRow) -> None:
    """Remove a row that never delivered anything; one that did is deactivated instead, so the
    record of what was sent to whom stays."""
    row = PlanRow.objects.select_for_update().get(pk=row.pk)
    with acting_as(actor):
        if row.deliveries.exists():
            row.active = False
            row.save()
            return
        row.audience_parties.clear()
        row.delete()


@transaction.atomic
def report_send_now(*, actor, row: PlanRow, now: datetime | None = None) -> list[Delivery]:
    """Send the row's report to its recipients now, with the current status. The worker (or the
    next `rapport comms deliver`) sends them; each is still delivered exactly once."""
    from rapport.status.selectors import status_current

    from .tasks import deliver_due

    row = PlanRow.objects.select_for_update().select_related("project").get(pk=row.pk)
    if not row.is_delivered:
        raise ValidationError("A status meeting is not sent; it is in the calendar.")
    if status_current(row.project) is None:
        raise ValidationError("Publish a status update first: reports are rendered from it.")
    now = (now or timezone.now()).replace(microsecond=0)
    if row.deliveries.filter(manual=True, created_at__gte=now - SEND_NOW_GUARD).exists():
        raise ValidationError(
            "This report was sent a moment ago; wait a minute before sending it again."
        )
    recipients = selectors.row_recipients(row)
    if not recipients:
        raise ValidationError("This row has no recipients yet.")
    deliveries = [
        Delivery(
            key=rules.occurrence_key(f"{row.pk}-now", now, party.pk),
            project=row.project,
            plan_row=row,
            party=party,
            occurrence=now,
            manual=True,
            channel=row.channel,
            comm_type=row.comm_type,
            email=party.email,
            next_attempt_at=now,
            created_at=now,
        )
        for party in recipients
    ]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    transaction.on_commit(lambda: deliver_due.enqueue())
    return list(Delivery.objects.filter(key__in=[d.key for d in deliveries]))


@transaction.atomic
def delivery_retry(*, actor, delivery: Delivery) -> Delivery:
    """Try a failed (or skipped) delivery again, now."""
    from .tasks import deliver_due

    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state not in (DeliveryState.FAILED, DeliveryState.SKIPPED):
        raise ValidationError("Only a failed or skipped delivery is retried.")
    delivery.state = DeliveryState.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.attempts = 0
    delivery.save(update_fields=["state", "next_attempt_at", "attempts"])
    transaction.on_commit(lambda: deliver_due.enqueue())
    return delivery


# --- portal -----------------------------------------------------------------------------------


def portal_link_ensure(*, project, party) -> PortalLink:
    """The party's open link on this project, made on first use (by the first report)."""
    link = PortalLink.objects.filter(project=project, party=party, revoked_at__isnull=True).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return PortalLink.objects.create(project=project, party=party)
    except IntegrityError:  # another worker made it a moment ago
        return PortalLink.objects.get(project=project, party=party, revoked_at__isnull=True)


@transaction.atomic
def portal_link_revoke(*, actor, link: PortalLink) -> PortalLink:
    """The link stops working at once; the party's next report carries a new one."""
    link = PortalLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        with acting_as(actor):
            link.save()
    return link


@transaction.atomic
def portal_password_set(*, link: PortalLink, password: str) -> PortalLink:
    """The recipient protects their link with a password (a forwarded link then is not enough)."""
    link = PortalLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise ValidationError("This link has been revoked.")
    try:
        validate_password(password or "")
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    link.password = make_password(password)
    with acting_as(None):
        link.save()
    return link


def portal_password_check(link: PortalLink, password: str) -> bool:
    return bool(link.password) and check_password(password or "", link.password)


class UnlockResult(StrEnum):
    OPENED = "opened"
    WRONG = "wrong"
    PAUSED = "paused"


@transaction.atomic
def portal_unlock_attempt(
    *, link: PortalLink, password: str, now: datetime | None = None
) -> UnlockResult:
    """Try a password-protected link's password, throttled like staff sign-in.

    After LOGIN_FAILURE_LIMIT wrong passwords in a row the link refuses every try, right or
    wrong, for LOGIN_COOLOFF_MINUTES: whoever holds a forwarded link cannot guess on for ever.
    Counted on the link in the database, so several app servers share the count.
    """
    now = now or timezone.now()
    link = PortalLink.objects.select_for_update().get(pk=link.pk)
    if link.unlock_paused_until and link.unlock_paused_until > now:
        return UnlockResult.PAUSED
    if portal_password_check(link, password):
        # .update(): a counter, not a change a person made, so no audit entry.
        PortalLink.objects.filter(pk=link.pk).update(failed_unlocks=0, unlock_paused_until=None)
        return UnlockResult.OPENED
    failures = link.failed_unlocks + 1
    paused_until = None
    if failures >= settings.AXES_FAILURE_LIMIT:
        paused_until = now + timedelta(hours=settings.AXES_COOLOFF_TIME)
        failures = 0
    PortalLink.objects.filter(pk=link.pk).update(
        failed_unlocks=failures, unlock_paused_until=paused_until
    )
    return UnlockResult.PAUSED if paused_until else UnlockResult.WRONG


@transaction.atomic
def feedback_record(
    *,
    delivery: Delivery,
    party,
    acknowledge: bool = False,
    rating: int | None = None,
    comment: str | None = None,
    answered_by=None,
    now: datetime | None = None,
) -> Feedback:
    """A recipient acknowledges a report, rates it 1–5 and/or comments. Ratings feed the
    evidence ("customer ratings falling"); the PM sees all of it on the plan page.

    ``answered_by``: whoever is signed in to Rapport in the portal's browser, if anyone. The
    project's own team is refused: a PM must not rate their own project for a stakeholder.
    """
    delivery = Delivery.objects.select_for_update().select_related("project").get(pk=delivery.pk)
    if delivery.party_id != party.pk or delivery.state != DeliveryState.SENT:
        raise ValidationError("This report was not sent to you.")
    if selectors.portal_opened_by_the_team(answered_by, delivery.project):
        raise ValidationError(
            f"You are signed in to Rapport on this project's team: only {party.name} can "
            "answer here. Send them the link instead."
        )
    if rating is not None and (
        isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
    ):
        raise field_error("rating", "Rate from 1 (poor) to 5 (excellent).")
    comment = (comment or "").strip()
    if len(comment) > 5000:
        raise field_error("comment", "A comment is at most 5,000 characters.")
    now = now or timezone.now()
    feedback = Feedback.objects.filter(delivery=delivery).first() or Feedback(
        delivery=delivery, project_id=delivery.project_id, party=party
    )
    if acknowledge and feedback.acknowledged_at is None:
        feedback.acknowledged_at = now
    if rating is not None:
        feedback.rating, feedback.rated_at = rating, now
    if comment:
        feedback.comment = comment
    feedback.updated_at = now
    with acting_as(None):
        return validated_save(feedback)


# --- calendar feeds ---------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, actor, project=None, user=None) -> CalendarFeed:
    """A secret calendar URL for a project's schedule or for one person's."""
    if (project is None) == (user is None):
        raise ValidationError("A calendar feed is for a project or for a person.")
    with acting_as(actor):
        return validated_save(CalendarFeed(project=project, user=user, created_by=actor))


@transaction.atomic
def calendar_feed_revoke(*, actor, feed: CalendarFeed) -> CalendarFeed:
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        with acting_as(actor):
            feed.save()
    return feed
