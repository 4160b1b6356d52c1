"""Scheduled delivery, exactly once per (plan row, occurrence, recipient).

Two steps, both safe to run in any number of processes at once:

1. **Schedule** (:func:`comms_schedule`): for each active row, ``rules.catch_up`` splits the
   occurrences since the row's ``last_run`` into due and skipped; one :class:`Delivery` per due
   occurrence and recipient is inserted with the occurrence key as a *unique* column
   (``bulk_create(ignore_conflicts=True)``), so two schedulers racing insert it once. Due rows
   are scheduled in chunks, one short transaction each: the chunk's rows are locked
   (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serialises writers with
   ``BEGIN IMMEDIATE``) and their ``last_run`` moves forward in the same transaction.

2. **Deliver** (:func:`deliveries_process`): a worker *claims* one ready delivery in a short
   transaction (row lock with SKIP LOCKED, so two workers never claim the same row), giving it a
   lease: state ``rendering``, ``leased_by`` and ``lease_until``. It renders outside any
   transaction, then moves ``rendering → sending`` with a conditional UPDATE that only succeeds if
   it still holds the lease, sends over SMTP with a Message-ID derived from the key, and marks
   ``sent`` the same way. A temporary SMTP failure (a 4xx reply at any stage — greylisting at
   RCPT, a full disk after DATA — or a refused or dropped connection) sends the delivery back
   to ``pending`` with ``next_attempt_at`` pushed back exponentially
   (``RAPPORT_DELIVERY_BACKOFF_SECONDS`` × 2ⁿ); after ``RAPPORT_DELIVERY_MAX_ATTEMPTS`` attempts
   it is ``failed`` with the last error. A permanent one (a 5xx reply, or a message that cannot
   be built) is ``failed`` at once with the server's own words (:func:`smtp_failure`). Either
   way it shows on the PM's plan page, and one delivery's failure never stops the others.

   A worker killed mid-way leaves its delivery in ``rendering`` or ``sending``; once the lease
   expires (``RAPPORT_DELIVERY_LEASE_SECONDS``) any worker reclaims it.

**The one window that cannot be closed.** SMTP has no two-phase commit: if a worker dies *after*
the server accepted the message (250 after DATA) and *before* the row is marked ``sent``, the
database cannot know the mail went out, and the reclaimed delivery is sent again. It is narrowed
three ways: the ``sent`` mark is one small UPDATE immediately after the 250; a delivery reclaimed
from ``sending`` (as opposed to ``rendering``) is flagged ``maybe_duplicate`` for the PM to see;
and the retry carries the *same* Message-ID, so mail stores and clients that de-duplicate on it
show one message. Dying before the 250 (while rendering, or during the SMTP conversation) loses
nothing and duplicates nothing. A worker that is merely slow beyond its lease checks the lease
before sending and gives up if it lost it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import smtplib
import socket
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from email.mime.image import MIMEImage
from email.utils import formataddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from rapport.lib.validation import single_line
from rapport.projects.models import ProjectState
from rapport.stakeholders.models import Party

from . import reports, rules, selectors, services
from .models import Channel, CommType, Delivery, DeliveryState, PlanRow

logger = logging.getLogger(__name__)

DELIVERING_PROJECT_STATES = (ProjectState.PROPOSED, ProjectState.ACTIVE, ProjectState.ON_HOLD)
MAX_BACKOFF = timedelta(hours=6)

# Test seams: a test may set a callable here to stop a worker at that point (e.g. kill it).
CHECKPOINTS: dict[str, object] = {}

# Other mail that rides on the same periodic run with the same exactly-once discipline (meeting
# invitations), registered by its app in ready(): called as queue(worker=, now=) -> outcomes.
QUEUES: list = []


def _checkpoint(name: str, delivery: Delivery) -> None:
    hook = CHECKPOINTS.get(name)
    if hook is not None:
        try:
            hook(delivery)
        except Exception as error:
            error.stands_for_a_kill = True  # a kill -9 is caught by nothing: neither is this
            raise


def _max_attempts() -> int:
    return max(1, int(getattr(settings, "RAPPORT_DELIVERY_MAX_ATTEMPTS", 5)))


def _lease() -> timedelta:
    return timedelta(seconds=max(1, int(getattr(settings, "RAPPORT_DELIVERY_LEASE_SECONDS", 300))))


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: base, 2×base, 4×base, … capped at six hours."""
    base = int(getattr(settings, "RAPPORT_DELIVERY_BACKOFF_SECONDS", 60))
    return min(timedelta(seconds=base * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"


def _locking(queryset):
    """Lock the rows read, skipping rows another transaction holds (where the database can)."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset  # SQLite: BEGIN IMMEDIATE already makes this transaction the only writer


# --- schedule ---------------------------------------------------------------------------------


@dataclass
class ScheduleResult:
    rows: int = 0
    created: int = 0
    skipped_occurrences: int = 0


def _due_rows():
    return (
        PlanRow.objects.active()
        .filter(selectors.delivered_row_filter())
        .filter(project__state__in=DELIVERING_PROJECT_STATES)
    )


def _plan_inputs(row) -> tuple:
    """What a row's plan at a given ``now`` depends on: catch_up is a pure function of these."""
    return (row.rrule, row.dtstart_local, row.project.time_zone, row.last_run or row.created_at)


def _plan_of(row, now: datetime) -> rules.CatchUp:
    rrule, dtstart_local, tz, last_run = _plan_inputs(row)
    return rules.catch_up(rrule, dtstart_local=dtstart_local, tz=tz, last_run=last_run, now=now)


# Due rows scheduled per transaction: large enough that the queries per chunk are few, small
# enough that SQLite's write lock (and PostgreSQL's row locks) are free again within moments.
SCHEDULE_CHUNK = 200


def comms_schedule(*, now: datetime | None = None) -> ScheduleResult:
    """Create the deliveries that are due by ``now`` (each exactly once) and move rows on.

    A first pass reads every row without locking (pure computation). Rows with nothing due move
    their ``last_run`` forward in bulk (only forward, so a racing scheduler loses nothing). Rows
    with something due are scheduled in chunks of ``SCHEDULE_CHUNK``, one short transaction each
    with the same few queries whatever its size (:func:`_schedule_chunk`).

    If a chunk fails, its transaction is rolled back whole, deliveries and ``last_run`` together,
    and the error propagates: earlier chunks stay done, that chunk's rows (and later ones) are
    left where they were, and the next run schedules them, still exactly once.
    """
    now = now or timezone.now()
    result = ScheduleResult()
    idle: list[int] = []
    due: list[tuple[int, tuple, rules.CatchUp]] = []
    for candidate in _due_rows().select_related("project").order_by("pk"):
        result.rows += 1
        plan = _plan_of(candidate, now)
        if plan.due or plan.skipped:
            due.append((candidate.pk, _plan_inputs(candidate), plan))
        else:
            idle.append(candidate.pk)
    for start in range(0, len(idle), 500):
        PlanRow.objects.filter(pk__in=idle[start : start + 500], last_run__lt=now).update(
            last_run=now
        )
    for start in range(0, len(due), SCHEDULE_CHUNK):
        created, skipped = _schedule_chunk(due[start : start + SCHEDULE_CHUNK], now=now)
        result.created += created
        result.skipped_occurrences += skipped
    return result


@transaction.atomic
def _schedule_chunk(
    chunk: list[tuple[int, tuple, rules.CatchUp]], *, now: datetime
) -> tuple[int, int]:
    """Lock the chunk's rows, re-plan them, create their due deliveries and move them on, in one
    transaction. ``chunk``: (row id, plan inputs, plan) as the unlocked first pass saw them.
    Returns (deliveries really created, occurrences skipped)."""
    first = {pk: (inputs, plan) for pk, inputs, plan in chunk}
    rows = list(
        _locking(PlanRow.objects.filter(pk__in=list(first), active=True))
        .select_related("project")
        # A delivery needs its recipients' id and address (and their name, to order them).
        .prefetch_related(Prefetch("audience_parties", Party.objects.only("name", "email")))
        .order_by("pk")
    )  # a row missing here is held by another scheduler, or was switched off meanwhile
    plans = {}
    skipped = 0
    for row in rows:
        # Again, under the lock: last_run (or the rule) may have moved since the first pass.
        inputs, plan = first[row.pk]
        plans[row.pk] = plan = plan if _plan_inputs(row) == inputs else _plan_of(row, now)
        if plan.skipped:
            skipped += len(plan.skipped)
            logger.info("Plan row %s: skipped %d missed occurrences", row.pk, len(plan.skipped))
    due_rows = [row for row in rows if plans[row.pk].due]
    recipients = selectors.recipients_by_row(due_rows)
    deliveries = [
        Delivery(
            key=rules.occurrence_key(row.pk, occurrence, party.pk),
            project_id=row.project_id,
            plan_row_id=row.pk,
            party_id=party.pk,
            occurrence=occurrence,
            channel=row.channel,
            comm_type=row.comm_type,
            email=party.email,
            next_attempt_at=occurrence,
        )
        for row in due_rows
        for occurrence in plans[row.pk].due
        for party in recipients[row.pk]
    ]
    # In project order: each insert moves its project's evidence version (a row lock until
    # commit), so two schedulers inserting for the same projects queue instead of deadlocking.
    deliveries.sort(key=lambda d: d.project_id)
    created = 0
    if deliveries:
        before = _existing_keys(deliveries)
        # ignore_conflicts still: the unique key, not this read, is what makes it exactly once.
        # Batches bound one INSERT's size on PostgreSQL (SQLite batches smaller by itself).
        Delivery.objects.bulk_create(
            [d for d in deliveries if d.key not in before], ignore_conflicts=True, batch_size=1000
        )
        created = len(_existing_keys(deliveries)) - len(before)
    # One UPDATE per moment rows are handled through: in practice one, ``now`` (catch_up leaves
    # a row with a later last_run where it is). An UPDATE, not save(): the audit log need not
    # hear about the clock moving.
    moving: dict[datetime, list[int]] = {}
    for row in rows:
        if plans[row.pk].handled_through != row.last_run:
            moving.setdefault(plans[row.pk].handled_through, []).append(row.pk)
    for moment, pks in moving.items():
        PlanRow.objects.filter(
            Q(last_run__isnull=True) | Q(last_run__lt=moment), pk__in=pks
        ).update(last_run=moment)
    return created, skipped


def _existing_keys(deliveries: list[Delivery]) -> set[str]:
    """Which of these deliveries' keys are in the database: one query, its parameters bounded
    by the rows and occurrences (not rows × recipients, which could outgrow SQLite's limit)."""
    wanted = {d.key for d in deliveries}
    found = Delivery.objects.filter(
        plan_row_id__in={d.plan_row_id for d in deliveries},
        occurrence__in={d.occurrence for d in deliveries},
    ).values_list("key", flat=True)
    return wanted.intersection(found)


def comms_due(*, at: datetime, project=None) -> list[dict]:
    """What is due at ``at`` (nothing is written): each row's occurrence and its recipients,
    with the delivery key and, where a delivery exists already, its state."""
    # Status meetings are listed like reports (nothing is sent for them: they are in calendars).
    rows = (
        PlanRow.objects.active()
        .filter(selectors.delivered_row_filter() | Q(comm_type=CommType.MEETING))
        .filter(project__state__in=DELIVERING_PROJECT_STATES)
    )
    if project is not None:
        rows = rows.filter(project=project)
    rows = list(
        rows.select_related("project", "project__org", "audience_category")
        .prefetch_related("audience_parties")
        .order_by("project__org__slug", "project__code", "pk")
    )
    recipients = selectors.recipients_by_row(rows)
    plans = []
    now = timezone.now()
    for row in rows:
        last_run = row.last_run or row.created_at
        if row.comm_type == CommType.MEETING:
            # The scheduler never moves a meeting's last_run; it is where a report's would be.
            last_run = max(last_run, now)
        due = rules.due(
            row.rrule,
            dtstart_local=row.dtstart_local,
            tz=row.project.time_zone,
            last_run=last_run,
            now=at,
        )
        for occurrence in due:
            plans.append((row, occurrence))
    keys = [
        rules.occurrence_key(row.pk, occ, p.pk)
        for row, occ in plans
        if row.comm_type != CommType.MEETING
        for p in recipients[row.pk]
    ]
    states = dict(Delivery.objects.filter(key__in=keys).values_list("key", "state"))
    out = []
    for row, occurrence in plans:
        from zoneinfo import ZoneInfo

        out.append(
            {
                "plan_row": row.pk,
                "project": f"{row.project.org.slug}/{row.project.code}",
                "communication": row.comm_type,
                "channel": row.channel,
                "cadence": row.cadence,
                "occurrence": occurrence.isoformat().replace("+00:00", "Z"),
                "occurrence_local": occurrence.astimezone(
                    ZoneInfo(row.project.time_zone)
                ).isoformat(),
                "recipients": [
                    {
                        "party_id": party.pk,
                        "party": party.name,
                        "email": party.email,
                        # A meeting has no delivery: no key, no state.
                        "key": (
                            key := rules.occurrence_key(row.pk, occurrence, party.pk)
                            if row.comm_type != CommType.MEETING
                            else None
                        ),
                        "state": states.get(key),
                    }
                    for party in recipients[row.pk]
                ],
            }
        )
        if row.comm_type == CommType.MEETING:
            out[-1]["duration_minutes"] = row.duration_minutes
    return out


# --- deliver ----------------------------------------------------------------------------------


def delivery_claim(*, worker: str, now: datetime | None = None) -> Delivery | None:
    """Take one ready delivery under a lease, or None when there is nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = _locking(Delivery.objects.ready(now)).order_by("next_attempt_at", "pk").first()
        if delivery is None:
            return None
        if delivery.state == DeliveryState.SENDING:
            # The last holder died mid-SMTP: the server may have the first copy.
            delivery.maybe_duplicate = True
        delivery.state = DeliveryState.RENDERING
        delivery.leased_by = worker
        delivery.lease_until = timezone.now() + _lease()
        delivery.attempts += 1
        delivery.save(
            update_fields=["state", "leased_by", "lease_until", "attempts", "maybe_duplicate"]
        )
    return delivery


def _held(delivery: Delivery, worker: str, state: str):
    return Delivery.objects.filter(pk=delivery.pk, leased_by=worker, state=state)


def message_id(delivery: Delivery) -> str:
    """Stable for the delivery: a resend after a crash carries the same Message-ID."""
    host = urlsplit(settings.SITE_URL).hostname or "rapport.localhost"
    return f"<rapport.{hashlib.sha256(delivery.key.encode()).hexdigest()[:32]}@{host}>"


def portal_url(delivery: Delivery) -> str:
    """A link to the report in the recipient's portal, with a token made for this e-mail alone
    (its hash is stored; a retry makes another, and the first keeps working if it went out)."""
    link = services.portal_link_ensure(project=delivery.project, party=delivery.party)
    raw = services.portal_token_issue(link=link, sent_to=delivery.email, delivery=delivery)
    return settings.SITE_URL + reverse("portal-report", args=[raw, delivery.pk])


class ReportEmail(EmailMultiAlternatives):
    """A report e-mail whose HTML part may show images carried in the message itself: the HTML
    and its images go in a multipart/related part (RFC 2387), referenced by ``cid:`` URLs, so the
    dashboard's charts show in mail clients without fetching anything."""

    def __init__(self, *args, related_images: dict[str, bytes] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.related_images = related_images or {}

    # Django 5.2 has no API for related parts; this hook builds each alternative's MIME part.
    def _create_mime_attachment(self, content, mimetype):
        part = super()._create_mime_attachment(content, mimetype)
        if mimetype != "text/html" or not self.related_images:
            return part
        related = SafeMIMEMultipart(
            _subtype="related", encoding=self.encoding or settings.DEFAULT_CHARSET
        )
        related.attach(part)
        for cid, png in self.related_images.items():
            image = MIMEImage(png, "png")
            image["Content-ID"] = f"<{cid}>"
            image.add_header("Content-Disposition", "inline", filename=cid.split("@")[0] + ".png")
            related.attach(image)
        return related


class Skip(Exception):
    """The delivery cannot go out and retrying will not help until someone acts."""


def build_message(
    delivery: Delivery, *, data: reports.ReportData | None = None
) -> EmailMultiAlternatives:
    """Render the delivery's report for its recipient: text part, HTML part and the PDF."""
    update = delivery.status_update
    data = data or reports.report_data(
        update,
        detailed=delivery.comm_type == CommType.DETAILED,
        dashboard=delivery.comm_type == CommType.DASHBOARD,
    )
    recipient = reports.Recipient(id=delivery.party_id, name=delivery.party.name)
    kwargs = {
        "recipient": recipient,
        "comm_type": delivery.comm_type,
        "previous_colour": selectors.previous_colour(delivery),
        "custom_intro": delivery.plan_row.custom_intro,
        "portal_url": portal_url(delivery),
    }
    rendered = reports.render_report(data, medium="email", **kwargs)
    pdf = reports.render_pdf(data, **kwargs)
    images = (
        {reports.chart_cid(name): png for name, png in data.chart_pngs.items()}
        if delivery.comm_type == CommType.DASHBOARD
        else {}
    )
    message = ReportEmail(
        subject=single_line(rendered.subject),
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        # Quoted: a name may hold a comma. One line: a name from before input was checked may not.
        to=[formataddr((single_line(delivery.party.name), delivery.email))],
        headers={
            "Message-ID": delivery.message_id or message_id(delivery),
            "Auto-Submitted": "auto-generated",
            "X-Rapport-Delivery": delivery.key,
        },
        related_images=images,
    )
    message.attach_alternative(rendered.html, "text/html")
    message.attach(reports.pdf_filename(data, delivery.comm_type), pdf, "application/pdf")
    return message


def _reply(code: int, text) -> str:
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {single_line(text)}"


def smtp_failure(error: Exception) -> tuple[str, bool]:
    """What went wrong in words, and whether it is permanent.

    SMTP says so itself: a 4xx reply (greylisting, a full mailbox, a busy server) means "try
    later", at any stage of the conversation; a 5xx reply means "never". A connection that fails
    or drops is temporary. Anything else (a message that cannot even be built) will not get
    better by retrying.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        temporary = all(400 <= code < 500 for code, _text in replies)
        said = "; ".join(_reply(code, text) for code, text in replies)
        if temporary:
            return f"The mail server asked to try again later at the address: {said}", False
        return f"The mail server refused the address: {said}", True
    if isinstance(error, smtplib.SMTPResponseException):
        said = _reply(error.smtp_code, error.smtp_error)
        if 400 <= error.smtp_code < 500:
            return f"The mail server asked to try again later: {said}", False
        return f"The mail server refused the message: {said}", True
    if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
        return f"The connection to the mail server failed: {type(error).__name__}: {error}", False
    if isinstance(error, smtplib.SMTPException):
        return f"The mail server conversation failed: {type(error).__name__}: {error}", False
    return f"The message could not be sent: {type(error).__name__}: {error}", True


def _fail(delivery: Delivery, worker: str, error: str, *, permanent: bool = False) -> str:
    now = timezone.now()
    held = Delivery.objects.filter(pk=delivery.pk, leased_by=worker).exclude(
        state=DeliveryState.SENT
    )
    if permanent or delivery.attempts >= _max_attempts():
        held.update(state=DeliveryState.FAILED, last_error=error[:2000], lease_until=None)
        logger.warning("Delivery %s failed for good: %s", delivery.key, error)
        return DeliveryState.FAILED
    held.update(
        state=DeliveryState.PENDING,
        last_error=error[:2000],
        lease_until=None,
        next_attempt_at=now + backoff(delivery.attempts),
    )
    logger.info("Delivery %s will be retried: %s", delivery.key, error)
    return "retry"


def _broke(delivery: Delivery, worker: str, error: Exception) -> str:
    """An error no step expected. Before the SMTP conversation it is recorded and retried like a
    temporary failure (then failed). During or after it the server may have the message, so the
    delivery is left to its lease: the reclaim flags it as a possible duplicate (see above)."""
    logger.exception("Delivery %s: unexpected error", delivery.key)
    state = Delivery.objects.filter(pk=delivery.pk).values_list("state", flat=True).first()
    if state != DeliveryState.RENDERING:
        return "error"
    return _fail(delivery, worker, f"Unexpected error: {type(error).__name__}: {error}")


def delivery_run(delivery: Delivery, *, worker: str) -> str:
    """Render and send one claimed delivery. Returns sent, retry, failed, skipped or lost."""
    from rapport.status.selectors import status_current

    delivery = Delivery.objects.select_related(
        "party", "plan_row", "project", "project__org", "status_update"
    ).get(pk=delivery.pk)
    try:
        if delivery.status_update_id is None:
            # Pinned on first render: a retry sends the same report version, byte for byte.
            update = status_current(delivery.project)
            if update is None:
                raise Skip("No published status update yet: publish one and retry.")
            delivery.status_update = update
        if delivery.channel == Channel.EMAIL and not delivery.email:
            raise Skip(f"{delivery.party.name} has no e-mail address in the register.")
        if delivery.channel == Channel.EMAIL:
            message = build_message(delivery)
        else:
            # Portal only: render once to be sure it works; the portal renders on demand.
            data = reports.report_data(
                delivery.status_update,
                detailed=delivery.comm_type == CommType.DETAILED,
                dashboard=delivery.comm_type == CommType.DASHBOARD,
            )
            reports.render_report(
                data,
                recipient=reports.Recipient(delivery.party_id, delivery.party.name),
                comm_type=delivery.comm_type,
                medium="web",
            )
            message = None
    except Skip as reason:
        _held(delivery, worker, DeliveryState.RENDERING).update(
            state=DeliveryState.SKIPPED,
            last_error=str(reason),
            lease_until=None,
            status_update=delivery.status_update,
        )
        return DeliveryState.SKIPPED
    except Exception as error:  # a rendering bug must not stop the queue
        logger.exception("Rendering delivery %s failed", delivery.key)
        return _fail(delivery, worker, f"Rendering failed: {error}")

    _checkpoint("after-render", delivery)
    now = timezone.now()
    moved = _held(delivery, worker, DeliveryState.RENDERING).update(
        state=DeliveryState.SENDING,
        status_update=delivery.status_update,
        rendered_at=now,
        lease_until=now + _lease(),
        message_id=message_id(delivery),
    )
    if not moved:
        logger.warning(
            "Delivery %s: lease lost before sending; another worker has it", delivery.key
        )
        return "lost"
    if message is not None:
        try:
            message.send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - whatever it is, it is this delivery's alone
            reason, permanent = smtp_failure(error)
            if not isinstance(error, smtplib.SMTPException | OSError):
                logger.exception("Delivery %s: the message could not be sent", delivery.key)
            return _fail(delivery, worker, reason, permanent=permanent)
    _checkpoint("after-send", delivery)
    _held(delivery, worker, DeliveryState.SENDING).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
    )
    return DeliveryState.SENT


@dataclass
class DeliverResult:
    schedule: ScheduleResult = field(default_factory=ScheduleResult)
    snapshots: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "schedule": asdict(self.schedule),
            "snapshots": self.snapshots,
            "outcomes": self.outcomes,
        }


def deliveries_process(
    *, worker: str | None = None, limit: int | None = None, now: datetime | None = None
) -> dict[str, int]:
    """Claim and deliver ready deliveries until none is left (or ``limit`` were handled)."""
    worker = worker or worker_name()
    outcomes: dict[str, int] = {}
    handled = 0
    while limit is None or handled < limit:
        delivery = delivery_claim(worker=worker, now=now)
        if delivery is None:
            break
        try:
            outcome = delivery_run(delivery, worker=worker)
        except Exception as error:  # one broken delivery must not stop the others
            if getattr(error, "stands_for_a_kill", False):
                raise
            outcome = _broke(delivery, worker, error)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        handled += 1
    return outcomes


def comms_deliver(
    *, now: datetime | None = None, worker: str | None = None, snapshots: bool = True
) -> DeliverResult:
    """One periodic run: schedule what is due, refresh stale evidence snapshots, deliver.

    `rapport comms deliver` (run every minute from cron or a systemd timer) and the background
    task both call this; any number may run at once.
    """
    from rapport.status.services import snapshots_refresh

    result = DeliverResult()
    result.schedule = comms_schedule(now=now)
    if snapshots:
        result.snapshots = snapshots_refresh(now=now)
    result.outcomes = deliveries_process(worker=worker, now=now)
    for queue in QUEUES:
        for outcome, count in queue(worker=worker, now=now).items():
            result.outcomes[outcome] = result.outcomes.get(outcome, 0) + count
    return result
