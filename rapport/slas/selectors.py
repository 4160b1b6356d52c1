"""Reads of service-level agreements that pages, API and the status evidence share."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from . import rules
from .models import Agreement, Breach, Obligation, ObligationKind, Side


@dataclass(frozen=True)
class BreachRow:
    """A breach, measured or recorded, as the page, the API and the evidence show it."""

    obligation: Obligation
    on: date
    what: str
    measured: bool
    breach: Breach | None = None  # the recorded one, to delete it

    @property
    def side(self) -> str:
        return self.obligation.side


def agreement_list(project):
    """The project's agreements, active first, each with its obligations (two queries)."""
    return (
        Agreement.objects.filter(project=project)
        .prefetch_related(
            Prefetch("obligations", queryset=Obligation.objects.order_by("side", "kind", "pk"))
        )
        .order_by("-active", "-agreed_on", "-pk")
    )


def agreement_get(project, agreement_id) -> Agreement:
    agreement = agreement_list(project).filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404("No such agreement")
    agreement.project = project
    return agreement


def obligation_get(project, obligation_id) -> Obligation:
    obligation = (
        Obligation.objects.filter(agreement__project=project, pk=obligation_id)
        .select_related("agreement")
        .first()
    )
    if obligation is None:
        raise Http404("No such obligation")
    obligation.agreement.project = project
    return obligation


def breach_get(project, breach_id) -> Breach:
    breach = (
        Breach.objects.filter(obligation__agreement__project=project, pk=breach_id)
        .select_related("obligation__agreement")
        .first()
    )
    if breach is None:
        raise Http404("No such breach")
    breach.obligation.agreement.project = project
    return breach


def obligation_choices(project):
    return (
        Obligation.objects.filter(agreement__project=project, agreement__active=True)
        .select_related("agreement")
        .order_by("agreement__title", "side", "kind", "pk")
    )


def _active_obligations(project) -> list[Obligation]:
    return list(
        Obligation.objects.filter(
            agreement__project=project, agreement__active=True
        ).select_related("agreement")
    )


# --- measuring: one query per kind of obligation the project has ------------------------------


def _questions(project, since: datetime, now: datetime):
    from rapport.comms.models import Feedback

    return [
        (asked, replied, name)
        for asked, replied, name in Feedback.objects.filter(
            project=project,
            commented_at__isnull=False,
            commented_at__gte=since,
            commented_at__lte=now,
        ).values_list("commented_at", "replied_at", "party__name")
    ]


def _reports(project, since: datetime, now: datetime):
    from rapport.comms.models import Delivery, DeliveryState

    rows = (
        Delivery.objects.filter(
            project=project, manual=False, occurrence__gte=since, occurrence__lte=now
        )
        .exclude(state=DeliveryState.SKIPPED)
        .values_list("occurrence", "sent_at", "comm_type", "party__name")
    )
    return [(due, sent, f"The report to {name}") for due, sent, _, name in rows]


def _decision_requests(project, since: date):
    """Decisions asked for in published status updates (a request repeated in later updates
    counts once, from its first asking), with the day the decision log records them decided."""
    from rapport.meetings.models import Decision
    from rapport.status.models import StatusDecision

    asked: dict[str, list] = {}
    for text, published_at, update_id in (
        StatusDecision.objects.filter(update__project=project, update__published_at__isnull=False)
        .order_by("update__published_at", "pk")
        .values_list("text", "update__published_at", "update_id")
    ):
        key = " ".join(text.lower().split())
        entry = asked.setdefault(key, [timezone.localtime(published_at).date(), text, set()])
        entry[2].add(update_id)
    decided: dict[int, date] = {}
    for update_id, on in (
        Decision.objects.filter(project=project, status_update__isnull=False)
        .order_by("decided_on")
        .values_list("status_update_id", "decided_on")
    ):
        decided.setdefault(update_id, on)
    requests = []
    for first_asked, text, updates in asked.values():
        days = [decided[u] for u in updates if u in decided]
        requests.append((first_asked, min(days) if days else None, text))
    return requests


def _status_meetings(project, since: datetime, now: datetime):
    from rapport.meetings.models import Attendance, Meeting, MeetingKind

    business = Q(invitees__is_business=True) & ~Q(invitees__attendance=Attendance.UNKNOWN)
    rows = (
        Meeting.objects.filter(
            project=project, kind=MeetingKind.STATUS, starts_at__gte=since, starts_at__lte=now
        )
        .annotate(
            invited=Count("invitees", filter=business),
            attended=Count(
                "invitees", filter=business & Q(invitees__attendance=Attendance.ATTENDED)
            ),
        )
        .values_list("starts_at", "title", "invited", "attended")
    )
    return [(timezone.localtime(at).date(), title, i, a) for at, title, i, a in rows]


def _promises(project, since: date):
    from rapport.promises.models import Commitment

    return [
        (promised, delivered, status == "broken", what)
        for promised, delivered, status, what in Commitment.objects.filter(
            project=project, promised_date__gte=since
        ).values_list("promised_date", "delivered_on", "status", "what")
    ]


def measured_breaches(
    project, obligations: list[Obligation], *, since: datetime, now: datetime
) -> list[BreachRow]:
    """The breaches Rapport sees in its own data, for each measurable obligation, that happened
    between ``since`` and ``now``. One query per kind of obligation present."""
    today = timezone.localtime(now).date()
    first = timezone.localtime(since).date()
    by_kind: dict[str, list[Obligation]] = {}
    for o in obligations:
        by_kind.setdefault(o.kind, []).append(o)
    rows: list[BreachRow] = []

    def lookback(kind, unit):
        return max(o.target for o in by_kind[kind]) * unit

    if ObligationKind.QUESTION_RESPONSE in by_kind:
        events = _questions(
            project, since - lookback(ObligationKind.QUESTION_RESPONSE, timedelta(hours=1)), now
        )
        for o in by_kind[ObligationKind.QUESTION_RESPONSE]:
            rows += _rows(o, rules.question_response(events, hours=o.target, now=now))
    if ObligationKind.REPORT_CADENCE in by_kind:
        events = _reports(
            project, since - lookback(ObligationKind.REPORT_CADENCE, timedelta(hours=1)), now
        )
        for o in by_kind[ObligationKind.REPORT_CADENCE]:
            rows += _rows(o, rules.report_cadence(events, hours=o.target, now=now))
    if ObligationKind.DECISION_TURNAROUND in by_kind:
        events = _decision_requests(project, first)
        for o in by_kind[ObligationKind.DECISION_TURNAROUND]:
            rows += _rows(o, rules.decision_turnaround(events, days=o.target, today=today))
    if ObligationKind.MEETING_ATTENDANCE in by_kind:
        events = _status_meetings(project, since, now)
        for o in by_kind[ObligationKind.MEETING_ATTENDANCE]:
            rows += _rows(o, rules.meeting_attendance(events, percent=o.target))
    if ObligationKind.PROMISE_DATES in by_kind:
        events = _promises(
            project, first - lookback(ObligationKind.PROMISE_DATES, timedelta(days=1))
        )
        for o in by_kind[ObligationKind.PROMISE_DATES]:
            rows += _rows(o, rules.promise_dates(events, days=o.target, today=today))
    return [r for r in rows if first <= r.on <= today]


def _rows(obligation, measured: list[rules.Measured]) -> list[BreachRow]:
    return [BreachRow(obligation, m.at, m.what, True) for m in measured]


def recorded_breaches(project, *, since: datetime, now: datetime) -> list[BreachRow]:
    """Breaches people recorded on the project's active agreements in the window (one query)."""
    first, today = timezone.localtime(since).date(), timezone.localtime(now).date()
    return [
        BreachRow(b.obligation, b.occurred_on, b.what, False, b)
        for b in Breach.objects.filter(
            obligation__agreement__project=project,
            obligation__agreement__active=True,
            occurred_on__gte=first,
            occurred_on__lte=today,
        ).select_related("obligation__agreement", "recorded_by")
    ]


def breaches(project, *, since: datetime, now: datetime) -> list[BreachRow]:
    """Every breach of the project's active agreements between ``since`` and ``now``, measured
    and recorded, newest first."""
    obligations = _active_obligations(project)
    if not obligations:
        return []
    rows = measured_breaches(project, obligations, since=since, now=now)
    rows += recorded_breaches(project, since=since, now=now)
    rows.sort(key=lambda r: (r.on, r.measured), reverse=True)
    return rows


def sla_breach_counts(project, *, since: datetime, now: datetime) -> tuple[int | None, int | None]:
    """Breaches of the project's agreements between ``since`` and ``now``: (by IT, by the
    business). (None, None) when the project has no agreement."""
    if not has_agreement(project):
        return None, None
    return counts_of(breaches(project, since=since, now=now))


def has_agreement(project) -> bool:
    """Whether the project has an active agreement (else its SLAs are "not measured")."""
    return Agreement.objects.filter(project=project, active=True).exists()


def counts_of(rows: list[BreachRow]) -> tuple[int, int]:
    """(by IT, by the business) among these breaches."""
    by_it = sum(1 for r in rows if r.side == Side.IT)
    return by_it, len(rows) - by_it


def window_days(project) -> int:
    """How far back the SLA page and the evidence count breaches: the project's health setting."""
    from rapport.status.models import HealthConfig
    from rapport.status.selectors import health_settings_of

    settings, _ = health_settings_of(HealthConfig.objects.filter(project=project).first())
    return int(settings.slas_window_days)
