"""Meeting invitations: an e-mail per invitee carrying an iCalendar REQUEST (RFC 5545 / 5546).

The event has a stable UID (the meeting's ``ics_uid``), DTSTART in the project's time zone with
its VTIMEZONE, the ORGANIZER, every invitee with an e-mail address as an ATTENDEE, the
agenda in DESCRIPTION and the meeting's SEQUENCE, which grows with every update that re-invites.

Sending follows the exactly-once discipline of report deliveries (rapport.comms.delivery) and uses
its helpers: one :class:`~rapport.meetings.models.Invitation` per (meeting, sequence, invitee),
created once under a unique key, claimed under a lease, marked sent by a conditional UPDATE right
after the server's 250, retried with backoff on a temporary failure, with the same Message-ID.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from email.utils import formataddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from rapport.comms import delivery as comms_delivery
from rapport.lib.validation import single_line

from .models import Invitation, Invitee, Meeting

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "rapport.localhost"


def project_zone(project) -> ZoneInfo:
    try:
        return ZoneInfo(project.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def organizer_address(meeting: Meeting) -> tuple[str, str]:
    """The organiser's name and e-mail: the meeting's organiser, else the sender of Rapport."""
    if meeting.organizer_id and meeting.organizer.email:
        return meeting.organizer.display_name, meeting.organizer.email
    from email.utils import parseaddr

    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name or "Rapport", address


def meeting_calendar(meeting: Meeting, invitees, *, stamp: datetime | None = None) -> bytes:
    """The meeting as an iCalendar REQUEST: one VEVENT and the VTIMEZONE of the project."""
    zone = project_zone(meeting.project)
    stamp = stamp or timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Rapport//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"{meeting.ics_uid}@{_host()}")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", f"{meeting.project.code}: {meeting.title}")
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", meeting.agenda or "No agenda yet.")
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("categories", [meeting.get_kind_display()])
    name, address = organizer_address(meeting)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = icalendar.vText(single_line(name))
    event.add("organizer", organizer)
    for invitee in invitees:
        email = invitee.stakeholder.party.email
        if not email:
            continue
        attendee = icalendar.vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = icalendar.vText(single_line(invitee.stakeholder.party.name))
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        attendee.params["rsvp"] = icalendar.vText("TRUE")
        event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=date(1970, 1, 1), last_date=date(2038, 1, 1))
    return calendar.to_ical()


def invitation_key(meeting: Meeting, invitee: Invitee) -> str:
    return f"meeting-{meeting.pk}-seq-{meeting.sequence}-invitee-{invitee.pk}"


def message_id(invitation: Invitation) -> str:
    return f"<rapport.{hashlib.sha256(invitation.key.encode()).hexdigest()[:32]}@{_host()}>"


def invitations_create(meeting: Meeting) -> tuple[int, list[str]]:
    """One Invitation per invitee for the meeting's current SEQUENCE, each exactly once (a second
    call, or two at once, inserts nothing more). Returns how many are new and the names of the
    invitees who have no e-mail address."""
    invitees = list(meeting.invitees.select_related("stakeholder__party"))
    rows = [
        Invitation(
            key=invitation_key(meeting, invitee),
            meeting=meeting,
            invitee=invitee,
            sequence=meeting.sequence,
            email=invitee.stakeholder.party.email,
            state=PENDING if invitee.stakeholder.party.email else SKIPPED,
            last_error="" if invitee.stakeholder.party.email else "No e-mail address.",
        )
        for invitee in invitees
    ]
    keys = [r.key for r in rows]
    before = Invitation.objects.filter(key__in=keys).count()
    Invitation.objects.bulk_create(rows, ignore_conflicts=True)
    created = Invitation.objects.filter(key__in=keys).count() - before
    Meeting.objects.filter(pk=meeting.pk).update(invitations_sent_sequence=meeting.sequence)
    return created, [i.stakeholder.party.name for i in invitees if not i.stakeholder.party.email]


def build_message(invitation: Invitation) -> EmailMultiAlternatives:
    meeting = invitation.meeting
    invitees = list(meeting.invitees.select_related("stakeholder__party"))
    ics = meeting_calendar(meeting, invitees)
    zone = project_zone(meeting.project)
    local = meeting.starts_at.astimezone(zone)
    update = invitation.sequence > 0
    subject = f"{'Updated invitation' if update else 'Invitation'}: {meeting.title} ({meeting.project.code}), {local:%a %d %b %Y %H:%M}"
    body = "\n".join(
        line
        for line in [
            f"Dear {invitation.invitee.stakeholder.party.name},",
            "",
            (
                "The meeting below has changed; your calendar will update it."
                if update
                else "You are invited to the meeting below."
            ),
            "",
            f"{meeting.title}",
            f"When: {local:%A %d %B %Y, %H:%M} ({meeting.project.time_zone}), {meeting.duration_minutes} minutes",
            f"Where: {meeting.location}" if meeting.location else "",
            "",
            "Agenda:",
            meeting.agenda or "No agenda yet.",
        ]
        if line is not None
    )
    name, address = organizer_address(meeting)
    message = EmailMultiAlternatives(
        subject=single_line(subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((single_line(invitation.invitee.stakeholder.party.name), invitation.email))],
        reply_to=[formataddr((single_line(name), address))] if address else None,
        headers={
            "Message-ID": invitation.message_id or message_id(invitation),
            "Auto-Submitted": "auto-generated",
            "X-Rapport-Invitation": invitation.key,
        },
    )
    # The REQUEST as the calendar part clients act on, and as an attachment for the others.
    message.attach_alternative(ics.decode(), "text/calendar; method=REQUEST; charset=UTF-8")
    message.attach("invite.ics", ics, "application/ics")
    return message


def _claim(*, worker: str, now: datetime, meeting_id: int | None) -> Invitation | None:
    lease = comms_delivery._lease()
    with transaction.atomic():
        ready = Invitation.objects.filter(state=PENDING, next_attempt_at__lte=now) | (
            Invitation.objects.filter(state=SENDING, lease_until__lt=now)
        )
        if meeting_id is not None:
            ready = ready.filter(meeting_id=meeting_id)
        invitation = comms_delivery._locking(ready).order_by("next_attempt_at", "pk").first()
        if invitation is None:
            return None
        if invitation.state == SENDING:
            invitation.maybe_duplicate = True  # the last holder died mid-SMTP
        invitation.state = SENDING
        invitation.leased_by = worker
        invitation.lease_until = timezone.now() + lease
        invitation.attempts += 1
        invitation.message_id = invitation.message_id or message_id(invitation)
        invitation.save(
            update_fields=[
                "state",
                "leased_by",
                "lease_until",
                "attempts",
                "maybe_duplicate",
                "message_id",
            ]
        )
    return invitation


def _held(invitation: Invitation, worker: str):
    return Invitation.objects.filter(pk=invitation.pk, leased_by=worker, state=SENDING)


def invitation_run(invitation: Invitation, *, worker: str) -> str:
    """Send one claimed invitation. Returns sent, retry or failed."""
    invitation = Invitation.objects.select_related(
        "meeting__project", "meeting__organizer", "invitee__stakeholder__party"
    ).get(pk=invitation.pk)
    try:
        message = build_message(invitation)
        message.send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - this invitation's alone
        reason, permanent = comms_delivery.smtp_failure(error)
        if permanent or invitation.attempts >= comms_delivery._max_attempts():
            _held(invitation, worker).update(state=FAILED, last_error=reason[:2000])
            return FAILED
        _held(invitation, worker).update(
            state=PENDING,
            last_error=reason[:2000],
            lease_until=None,
            next_attempt_at=timezone.now() + comms_delivery.backoff(invitation.attempts),
        )
        return "retry"
    _held(invitation, worker).update(
        state=SENT, sent_at=timezone.now(), lease_until=None, last_error=""
    )
    return SENT


def invitations_process(
    *, worker: str | None = None, now: datetime | None = None, meeting_id: int | None = None
) -> dict[str, int]:
    """Claim and send ready invitations (of one meeting, or all) until none is left."""
    worker = worker or comms_delivery.worker_name()
    outcomes: dict[str, int] = {}
    while True:
        invitation = _claim(worker=worker, now=now or timezone.now(), meeting_id=meeting_id)
        if invitation is None:
            break
        outcome = invitation_run(invitation, worker=worker)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def periodic(*, worker: str | None = None, now: datetime | None = None) -> dict[str, int]:
    """For `rapport comms deliver`: invitations' outcomes, named apart from the reports'."""
    return {f"invitation-{k}": v for k, v in invitations_process(worker=worker, now=now).items()}
