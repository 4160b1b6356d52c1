"""Every write about the communication plan, portal links, recipients' feedback, calendar feeds
and "Send now". The scheduler and the worker (exactly-once delivery) are in delivery.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import formataddr
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.lib.audit import acting_as
from rapport.lib.validation import field_error, refuse_unknown_fields, validated_save

from . import rules, selectors
from .models import (
    REPORT_TYPES,
    CalendarFeed,
    Channel,
    CommType,
    Delivery,
    DeliveryState,
    Feedback,
    FeedbackSource,
    PlanRow,
    PortalLink,
    PortalToken,
    new_token,
    token_hash,
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


def _check_row(row: PlanRow, parties: list) -> None:
    errors = {}
    try:
        row.rrule = rules.parse_rule(row.rrule or "").text
    except ValueError as error:
        errors["rrule"] = str(error)
    else:
        if (
            row.comm_type in REPORT_TYPES
            and rules.more_often_than_daily(row.rrule)
            and not row.project.org.allow_frequent_reports
        ):
            errors["rrule"] = (
                f"This cadence sends up to {rules.sends_per_day(row.rrule)} reports a day: "
                "nobody reads a report more often than daily. Choose a daily or rarer cadence, "
                "or ask an organisation owner to allow more frequent reports."
            )
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
    refuse_unknown_fields(fields, PLAN_FIELDS, "plan row")
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
    refuse_unknown_fields(fields, PLAN_FIELDS, "plan row")
    row = PlanRow.objects.select_for_update(of=("self",)).select_related("project").get(pk=row.pk)
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

    row = PlanRow.objects.select_for_update(of=("self",)).select_related("project").get(pk=row.pk)
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


def portal_token_issue(*, link: PortalLink, sent_to: str, delivery=None, actor=None) -> str:
    """A new secret for the link, to go in one e-mail to ``sent_to``. Returns the raw token: it
    is in that e-mail and nowhere else (the database keeps its hash)."""
    raw, hashed = new_token(PortalLink.PREFIX)
    PortalToken.objects.create(
        link=link, token_hash=hashed, delivery=delivery, sent_to=sent_to, created_by=actor
    )
    return raw


def _send_portal_link(link_id: int, raw_token: str, sent_by_id: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse

    from rapport.lib.validation import single_line

    link = PortalLink.objects.select_related("party", "project", "project__org").get(pk=link_id)
    context = {
        "link": link,
        "url": settings.SITE_URL + reverse("portal-home", args=[raw_token]),
        "sent_by": get_user_model().objects.filter(pk=sent_by_id).first(),
    }
    EmailMessage(
        subject=single_line(f"[{link.project.code}] Your personal link to the project's reports"),
        body=render_to_string("comms/email/portal_link.txt", context),
        to=[formataddr((single_line(link.party.name), link.party.email))],
        headers={"Auto-Submitted": "auto-generated", "X-Rapport-Org": link.project.org.slug},
    ).send(fail_silently=False)


@transaction.atomic
def portal_link_resend(*, actor, project, party, now: datetime | None = None) -> PortalToken:
    """E-mail the party a fresh link to their portal (their earlier links keep working). The
    team member who asks never sees the link: it goes to the party's address in the register."""
    if not party.email:
        raise ValidationError(f"{party.name} has no e-mail address in the register.")
    now = now or timezone.now()
    link = portal_link_ensure(project=project, party=party)
    link = PortalLink.objects.select_for_update().get(pk=link.pk)  # one resend at a time
    if link.tokens.filter(created_by__isnull=False, created_at__gte=now - SEND_NOW_GUARD).exists():
        raise ValidationError(
            f"{party.name}'s link was sent a moment ago; wait a minute before sending it again."
        )
    raw = portal_token_issue(link=link, sent_to=party.email, actor=actor)
    token = link.tokens.get(token_hash=token_hash(raw))
    transaction.on_commit(lambda: _send_portal_link(link.pk, raw, actor.pk))
    return token


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
def portal_password_set(*, link: PortalLink, password: str, set_by=None) -> PortalLink:
    """The recipient protects their link with a password (a forwarded link then is not enough).

    Only from the link itself, and not by the project's team (``set_by``: whoever is signed in
    to Rapport in that browser): a password set by the PM would lock the stakeholder out.
    """
    link = (
        PortalLink.objects.select_for_update(of=("self",))
        .select_related("party", "project")
        .get(pk=link.pk)
    )
    if link.revoked_at is not None:
        raise ValidationError("This link has been revoked.")
    if selectors.portal_opened_by_the_team(set_by, link.project):
        raise ValidationError(
            f"You are signed in to Rapport on this project's team: only {link.party.name} can "
            "set the password of their link."
        )
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
    token: PortalToken | None = None,
    now: datetime | None = None,
) -> Feedback:
    """A recipient acknowledges a report, rates it 1–5 and/or comments. Ratings feed the
    evidence ("customer ratings falling"); the PM sees all of it on the plan page.

    ``answered_by``: whoever is signed in to Rapport in the portal's browser, if anyone. The
    project's own team is refused: a PM must not rate their own project for a stakeholder.
    ``token``: the e-mailed token the portal was opened with. The answer is recorded as given
    through the party's own link, the only kind the evidence counts.
    """
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=delivery.pk)
    )
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
    if comment and comment != feedback.comment:
        feedback.comment, feedback.commented_at = comment, now  # awaits the PM's answer again
    feedback.updated_at = now
    feedback.source = FeedbackSource.PORTAL
    if token is not None:
        feedback.token = token
    with acting_as(None):
        return validated_save(feedback)


# --- closing the loop on comments -------------------------------------------------------------


def _comment(feedback: Feedback) -> Feedback:
    feedback = (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=feedback.pk)
    )
    if not feedback.comment:
        raise ValidationError("There is no comment to answer on this report.")
    return feedback


@transaction.atomic
def comment_reply(*, actor, feedback: Feedback, text: str, now: datetime | None = None) -> Feedback:
    """The PM answers a stakeholder's comment; the stakeholder reads it in their portal."""
    feedback = _comment(feedback)
    text = (text or "").strip()
    if not text:
        raise field_error("reply", "Write the reply.")
    if len(text) > 5000:
        raise field_error("reply", "A reply is at most 5,000 characters.")
    feedback.reply, feedback.replied_at, feedback.replied_by = text, now or timezone.now(), actor
    with acting_as(actor):
        return validated_save(feedback)


@transaction.atomic
def comment_acted_on(*, actor, feedback: Feedback, now: datetime | None = None) -> Feedback:
    """Mark a comment as acted on (the stakeholder sees that in their portal)."""
    feedback = _comment(feedback)
    feedback.acted_on_at, feedback.acted_on_by = now or timezone.now(), actor
    with acting_as(actor):
        return validated_save(feedback)


@transaction.atomic
def comment_close(*, actor, feedback: Feedback, now: datetime | None = None) -> Feedback:
    """Close the loop on a comment: nothing more to do about it (a new comment reopens it)."""
    feedback = _comment(feedback)
    feedback.closed_at, feedback.closed_by = now or timezone.now(), actor
    with acting_as(actor):
        return validated_save(feedback)


# --- calendar feeds ---------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, actor, project=None, user=None) -> tuple[CalendarFeed, str]:
    """A secret calendar URL for a project's schedule or for one person's. Returns the feed and
    its raw token, to show once: the database keeps only the hash."""
    if (project is None) == (user is None):
        raise ValidationError("A calendar feed is for a project or for a person.")
    raw, hashed = new_token(CalendarFeed.PREFIX)
    with acting_as(actor):
        feed = validated_save(
            CalendarFeed(project=project, user=user, created_by=actor, token_hash=hashed)
        )
    return feed, raw


@transaction.atomic
def calendar_feed_revoke(*, actor, feed: CalendarFeed) -> CalendarFeed:
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        with acting_as(actor):
            feed.save()
    return feed
