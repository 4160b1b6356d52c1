"""Reads of satisfaction pulses that pages, API and the status evidence share."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from rapport.relations.rules import KEY_FROM
from rapport.stakeholders.models import ProjectStakeholder

from . import charts, rules
from .models import Pulse

SPARK_POINTS = 12  # a sparkline shows the last 12 pulses
PORTAL_DAYS = 90  # the portal offers what happened in the last 90 days
PORTAL_ITEMS = 20  # ... at most 20 of each kind


def _key_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}power__gte": KEY_FROM}) | Q(**{f"{prefix}interest__gte": KEY_FROM})


def is_key(stakeholder) -> bool:
    """A key customer, as relations' "not heard from" defines one: power or interest 4 or 5."""
    return (stakeholder.power or 0) >= KEY_FROM or (stakeholder.interest or 0) >= KEY_FROM


def pulse_list(project, *, stakeholder_id: int | None = None):
    """The project's pulses, newest first, optionally from one stakeholder only."""
    pulses = Pulse.objects.filter(project=project).select_related(
        "stakeholder__party", "interaction", "meeting", "delivery", "recorded_by"
    )
    if stakeholder_id is not None:
        pulses = pulses.filter(stakeholder_id=stakeholder_id)
    return pulses.order_by("-given_at", "-pk")


def pulse_get(project, pulse_id) -> Pulse:
    pulse = pulse_list(project).filter(pk=pulse_id).select_related("project__org").first()
    if pulse is None:
        raise Http404("No such pulse")
    return pulse


def stakeholder_choices(project):
    return (
        ProjectStakeholder.objects.filter(project=project)
        .select_related("party")
        .order_by("party__name", "pk")
    )


def _scores_by_stakeholder(project, *, only_key: bool = False) -> dict[int, list[int]]:
    """Each stakeholder's scores, oldest first (one query, two small columns a row)."""
    pulses = Pulse.objects.filter(project=project)
    if only_key:
        pulses = pulses.filter(_key_q("stakeholder__"))
    scores: dict[int, list[int]] = {}
    for stakeholder_id, score in pulses.order_by("given_at", "pk").values_list(
        "stakeholder_id", "score"
    ):
        scores.setdefault(stakeholder_id, []).append(score)
    return scores


@dataclass
class StakeholderTrend:
    stakeholder: ProjectStakeholder
    key: bool
    trend: rules.Trend
    count: int
    sparkline: str
    description: str


def stakeholder_trends(project) -> list[StakeholderTrend]:
    """Per stakeholder who gave pulses: their trend and sparkline, key customers first, falling
    first among them (two queries)."""
    scores = _scores_by_stakeholder(project)
    stakeholders = ProjectStakeholder.objects.filter(pk__in=list(scores)).select_related("party")
    rows = []
    for s in stakeholders:
        series = scores[s.pk]
        shown = series[-SPARK_POINTS:]
        description = charts.describe(shown, s.party.name)
        rows.append(
            StakeholderTrend(
                stakeholder=s,
                key=is_key(s),
                trend=rules.trend(series),
                count=len(series),
                sparkline=charts.sparkline(shown, label=description),
                description=description,
            )
        )
    order = {"falling": 0, "steady": 1, "rising": 2, "too few": 3}
    rows.sort(key=lambda r: (not r.key, order[r.trend.direction], r.stakeholder.party.name.lower()))
    return rows


@dataclass
class ProjectTrend:
    months: list[tuple[date, float, int]]
    trend: rules.Trend
    sparkline: str
    description: str


def project_trend(project, *, months: int = 12, today: date | None = None) -> ProjectTrend:
    """The project's average score per month over the last ``months`` months (one query)."""
    today = today or timezone.localdate()
    since = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    points = [
        (timezone.localtime(at).date(), score)
        for at, score in Pulse.objects.filter(
            project=project, given_at__date__gte=since
        ).values_list("given_at", "score")
    ]
    monthly = rules.monthly_averages(points)
    averages = [avg for _, avg, _ in monthly]
    if monthly:
        description = "Average satisfaction per month, oldest first: " + ", ".join(
            f"{date_format(m, 'YEAR_MONTH_FORMAT')} {avg:g} ({n} pulse{'s' if n != 1 else ''})"
            for m, avg, n in monthly
        )
    else:
        description = "No satisfaction pulses in the last 12 months"
    return ProjectTrend(
        months=monthly,
        trend=rules.trend(averages),
        sparkline=charts.sparkline(averages, label=description, width=240),
        description=description,
    )


def key_customer_pulses(project) -> dict[str, list[int]] | None:
    """Per key customer of the project (by name), their pulse scores 1-5, oldest first.
    None when no key customer has given a pulse."""
    scores = _scores_by_stakeholder(project, only_key=True)
    if not scores:
        return None
    names = dict(
        ProjectStakeholder.objects.filter(pk__in=list(scores)).values_list("pk", "party__name")
    )
    out: dict[str, list[int]] = {}
    for stakeholder_id, series in scores.items():
        name = names[stakeholder_id]
        if name in out:  # two key customers with one name: keep both apart
            name = f"{name} ({stakeholder_id})"
        out[name] = series
    return out


def stakeholder_pulses(stakeholder, *, limit: int = SPARK_POINTS) -> dict:
    """One stakeholder's latest pulses (newest first), trend and sparkline: for their page."""
    latest = list(
        Pulse.objects.filter(stakeholder=stakeholder)
        .select_related("interaction", "meeting", "delivery")
        .order_by("-given_at", "-pk")[:limit]
    )
    scores = [p.score for p in reversed(latest)]
    description = charts.describe(scores, stakeholder.party.name)
    return {
        "pulses": latest,
        "trend": rules.trend(scores),
        "sparkline": charts.sparkline(scores, label=description),
        "description": description,
    }


# --- the portal: what the stakeholder can give a pulse about ----------------------------------


@dataclass
class Subject:
    kind: str  # interaction, meeting, delivery
    obj: object
    when: date
    text: str
    pulse: Pulse | None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.obj.pk}"


def portal_stakeholder(link) -> ProjectStakeholder | None:
    """The portal link's party as a stakeholder of its project (None for a report recipient who
    is not on the register)."""
    return (
        ProjectStakeholder.objects.filter(project_id=link.project_id, party_id=link.party_id)
        .select_related("party", "project")
        .first()
    )


def portal_subjects(link, stakeholder, *, now: datetime | None = None) -> list[Subject]:
    """What the stakeholder may rate in their portal: the last 90 days' interactions with them,
    meetings they were invited to (past ones), and reports sent to them; newest first, each
    with their pulse about it, if any. Four queries."""
    from rapport.comms.selectors import portal_reports
    from rapport.meetings.models import Meeting
    from rapport.relations.models import Interaction

    now = now or timezone.now()
    since = now - timedelta(days=PORTAL_DAYS)
    subjects = []
    for i in Interaction.objects.filter(stakeholder=stakeholder, date__gte=since.date()).order_by(
        "-date", "-pk"
    )[:PORTAL_ITEMS]:
        subjects.append(
            Subject("interaction", i, i.date, f"{i.get_kind_display()}: {i.subject}", None)
        )
    meetings = (
        Meeting.objects.filter(
            project_id=stakeholder.project_id,
            invitees__stakeholder=stakeholder,
            starts_at__gte=since,
            starts_at__lte=now,
        )
        .distinct()
        .order_by("-starts_at", "-pk")[:PORTAL_ITEMS]
    )
    for m in meetings:
        subjects.append(
            Subject("meeting", m, timezone.localtime(m.starts_at).date(), m.title, None)
        )
    for d in portal_reports(link).filter(occurrence__gte=since)[:PORTAL_ITEMS]:
        subjects.append(
            Subject(
                "delivery",
                d,
                timezone.localtime(d.occurrence).date(),
                f"Your {d.get_comm_type_display().lower()}",
                None,
            )
        )
    given = {}
    for p in (
        Pulse.objects.filter(stakeholder=stakeholder)
        .filter(Q(interaction__isnull=False) | Q(meeting__isnull=False) | Q(delivery__isnull=False))
        .filter(given_at__gte=since - timedelta(days=PORTAL_DAYS))
    ):
        kind = "interaction" if p.interaction_id else "meeting" if p.meeting_id else "delivery"
        given[f"{kind}-{getattr(p, kind + '_id')}"] = p
    for s in subjects:
        s.pulse = given.get(s.key)
    subjects.sort(key=lambda s: s.when, reverse=True)
    return subjects
