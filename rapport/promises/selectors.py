"""Reads that the promise pages, the API, the status evidence and reports share.

Every list here costs a constant number of queries however many promises a project has.

For the status feature ("overdue promises feed the status evidence"): ``overdue_commitments``
lists them, and ``commitment_counts_for_status`` gives ``commitments_open`` and
``commitments_overdue`` exactly as rapport.status.rules.HealthInputs takes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.http import Http404

from rapport.stakeholders.models import ProjectStakeholder

from . import keeping, rules
from .models import Commitment, Expectation, Renegotiation
from .services import project_today


def commitment_list(project, *, state: str = "", today: dt.date | None = None):
    """The project's promises, soonest due first, with party, maker and renegotiation count.
    ``state`` filters by what people see: open, renegotiated, overdue, kept or broken."""
    today = today or project_today(project)
    promises = (
        Commitment.objects.filter(project=project)
        .select_related("party", "made_by", "activity")
        .annotate(renegotiation_count=Count("renegotiations"))
        .order_by("promised_date", "pk")
    )
    if state == rules.OVERDUE:
        promises = promises.overdue(today)
    elif state in (rules.OPEN, rules.RENEGOTIATED):
        promises = promises.filter(status=state, promised_date__gte=today)
    elif state in rules.CLOSED:
        promises = promises.filter(status=state)
    elif state:
        raise Http404("No such state")
    return promises


def plan_items(project):
    """What a promise can rest on: the project's milestones and deliverables, in plan order."""
    from rapport.raci.models import Activity

    return (
        Activity.objects.filter(project=project, kind__in=("milestone", "deliverable"))
        .exclude(status="cancelled")
        .order_by("planned_finish", "name", "pk")
    )


def commitment_get(project, commitment_id) -> Commitment:
    commitment = (
        Commitment.objects.filter(project=project, pk=commitment_id)
        .select_related("party", "made_by", "project", "activity")
        .prefetch_related(
            Prefetch(
                "renegotiations",
                queryset=Renegotiation.objects.select_related("renegotiated_by").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .first()
    )
    if commitment is None:
        raise Http404("No such promise")
    return commitment


def overdue_commitments(project, today: dt.date | None = None):
    """Open (or renegotiated) promises past their promised date, most overdue first: the
    missed-promise evidence for honest status."""
    today = today or project_today(project)
    return (
        Commitment.objects.filter(project=project)
        .overdue(today)
        .select_related("party", "made_by")
        .order_by("promised_date", "pk")
    )


def commitment_counts_for_status(project, today: dt.date | None = None) -> dict[str, int]:
    """``{"commitments_open": n, "commitments_overdue": m}`` for status.rules.HealthInputs."""
    today = today or project_today(project)
    promises = Commitment.objects.filter(project=project).open()
    return {
        "commitments_open": promises.count(),
        "commitments_overdue": promises.filter(promised_date__lt=today).count(),
    }


@dataclass
class FigureRow:
    """One line of a figures table: who (a PM or a party) and how their promises went."""

    label: str
    figures: rules.Figures
    projects: int = 1  # how many projects the promises were made on


def commitment_figures(project, today: dt.date | None = None) -> dict:
    """Figures for the project, per PM (who made the promise) and per party, from two queries."""
    today = today or project_today(project)
    rows = list(
        Commitment.objects.filter(project=project)
        .select_related("party", "made_by")
        .annotate(renegotiation_count=Count("renegotiations"))
    )
    facts = [c.facts() for c in rows]
    makers = {
        c.made_by_id: (c.made_by.display_name if c.made_by else "Nobody recorded") for c in rows
    }
    parties = {c.party_id: (c.party.name if c.party else "Removed from the register") for c in rows}
    per_pm = rules.figures_by(facts, today, key=lambda p: p.made_by)
    per_party = rules.figures_by(facts, today, key=lambda p: p.party)
    return {
        "today": today,
        "project": rules.figures(facts, today),
        "per_pm": sorted(
            (FigureRow(makers[k], f) for k, f in per_pm.items()), key=lambda r: r.label.lower()
        ),
        "per_party": sorted(
            (FigureRow(parties[k], f) for k, f in per_party.items()), key=lambda r: r.label.lower()
        ),
    }


def commitment_figures_per_maker(user, org, today: dt.date | None = None) -> list[FigureRow]:
    """Per person who made promises, across every project of ``org`` that ``user`` may see: who
    keeps their promises, and who over-promises (the PMO's view). One query. ``projects`` on each
    row counts the projects the person made promises on. Overdue is judged on ``today`` (default:
    today in the server's time zone), one day for all projects."""
    from django.utils import timezone

    from rapport.projects.models import Project

    today = today or timezone.localdate()
    rows = list(
        Commitment.objects.filter(project__in=Project.objects.visible_to(user).filter(org=org))
        .select_related("made_by")
        .annotate(renegotiation_count=Count("renegotiations"))
    )
    names = {
        c.made_by_id: (c.made_by.display_name if c.made_by else "Nobody recorded") for c in rows
    }
    projects: dict = {}
    for c in rows:
        projects.setdefault(c.made_by_id, set()).add(c.project_id)
    per_pm = rules.figures_by([c.facts() for c in rows], today, key=lambda p: p.made_by)
    return sorted(
        (FigureRow(names[k], f, projects=len(projects[k])) for k, f in per_pm.items()),
        key=lambda r: r.label.lower(),
    )


# --- expectations ------------------------------------------------------------------------------


def expectation_list(project):
    return (
        Expectation.objects.filter(project=project)
        .select_related("stakeholder__party", "recorded_by")
        .order_by("stakeholder__party__name", "kind", "pk")
    )


def expectation_get(project, expectation_id) -> Expectation:
    expectation = (
        Expectation.objects.filter(project=project, pk=expectation_id)
        .select_related("stakeholder__party")
        .first()
    )
    if expectation is None:
        raise Http404("No such expectation")
    return expectation


def stakeholder_choices(project):
    return ProjectStakeholder.objects.filter(project=project).select_related("party")


def plan_facts(project) -> rules.PlanFacts:
    """What the plan and the latest simulation say, as rules.PlanFacts (two queries)."""
    from rapport.estimates.selectors import finish_date, run_latest

    estimate = None
    run = run_latest(project)
    if run is not None:
        result = run.result
        curve = result.get("s_curve", {})
        probabilities = curve.get("probability", [])
        finish_curve = []
        if project.start_date is not None:
            finish_curve = [
                (p, finish_date(project, d))
                for p, d in zip(probabilities, curve.get("finish", []), strict=False)
            ]
        estimate = rules.EstimateFacts(
            confidence=run.confidence,
            cost=result["at_confidence"]["cost"],
            finish_date=finish_date(project, result["at_confidence"]["finish"]),
            cost_curve=list(zip(probabilities, curve.get("cost", []), strict=False)),
            finish_curve=finish_curve,
        )
    return rules.PlanFacts(
        currency=project.currency,
        budget=float(project.budget) if project.budget is not None else None,
        target_date=project.target_date,
        estimate=estimate,
    )


def expectations_with_findings(project) -> list[Expectation]:
    """Each expectation with ``findings`` and ``contradicted`` set, against the current plan."""
    plan = plan_facts(project)
    expectations = list(expectation_list(project))
    for e in expectations:
        e.findings = rules.expectation_findings(e.facts(), plan)
        e.contradicted = rules.is_contradicted(e.findings)
    return expectations


# --- the chance of a promise (issue 15) --------------------------------------------------------


def _past_promises(commitments) -> list[keeping.PastPromise]:
    return [
        keeping.PastPromise(
            made_on=c.made_on,
            first_date=c.original_date or c.promised_date,
            delivered_on=c.delivered_on,
            kept=c.delivered_on is not None
            and c.delivered_on <= (c.original_date or c.promised_date)
            and c.status == rules.KEPT,
        )
        for c in commitments
    ]


def finish_chance(project, promised_date: dt.date) -> tuple[float | None, dt.date | None, bool]:
    """The chance the project finishes by ``promised_date`` and the date with an 80 % chance, from
    the latest simulation, calibrated on the organisation's history when there is enough of it;
    and whether it was calibrated. (None, None, False) without a simulation or a start date."""
    from rapport.estimates import calibration
    from rapport.estimates.calendar import working_days_until
    from rapport.estimates.selectors import finish_date, run_latest
    from rapport.estimates.track_record import fits_get

    run = run_latest(project)
    if run is None or project.start_date is None:
        return None, None, False
    curve = run.result.get("s_curve", {})
    probabilities, values = curve.get("probability", []), curve.get("finish", [])
    if not values:
        return None, None, False
    fit = fits_get(project.org).finish
    if fit is not None:
        values = calibration.calibrated_curve(probabilities, values, fit)
    days = working_days_until(project.start_date, promised_date)
    chance = calibration.chance_within(probabilities, values, days)
    at_80 = next((v for p, v in zip(probabilities, values, strict=True) if p >= 0.8), values[-1])
    return chance, finish_date(project, at_80), fit is not None


def promise_chance(
    project, *, made_by, made_on: dt.date, promised_date: dt.date, on_finish: bool = False
) -> keeping.Chance:
    """What the promise form shows before recording: how often ``made_by``'s promises made as far
    ahead were kept (and the organisation's), this promise's chance, and the date for 80 %. Two
    queries (plus the estimate's, with ``on_finish``)."""
    closed = list(
        Commitment.objects.filter(project__org_id=project.org_id, status__in=rules.CLOSED).only(
            "made_on", "original_date", "promised_date", "delivered_on", "status", "made_by_id"
        )
    )
    org = _past_promises(closed)
    person = _past_promises(c for c in closed if made_by is not None and c.made_by_id == made_by.pk)
    estimate_chance = date_80 = None
    if on_finish:
        estimate_chance, date_80, _ = finish_chance(project, promised_date)
    return keeping.promise_chance(
        made_on=made_on,
        promised_date=promised_date,
        person=person,
        org=org,
        estimate_chance=estimate_chance,
        estimate_date_80=date_80,
    )


# --- promises against the plan's own dates (issue 14) -------------------------------------------


@dataclass(frozen=True)
class PlanDateFinding:
    """A finding where a promise contradicts the plan item that delivers it, with both ids."""

    commitment_id: int
    activity_id: int
    finding: rules.Finding


@dataclass
class PlanDateFindings:
    """Each side's findings: the promise pages, the activities page and the API show the same."""

    items: list[PlanDateFinding]

    @property
    def by_commitment(self) -> dict[int, list[rules.Finding]]:
        return self._by("promise-before-plan", lambda i: i.commitment_id)

    @property
    def by_activity(self) -> dict[int, list[rules.Finding]]:
        return self._by("plan-after-promise", lambda i: i.activity_id)

    def _by(self, code, key) -> dict[int, list[rules.Finding]]:
        out: dict[int, list[rules.Finding]] = {}
        for item in self.items:
            if item.finding.code == code:
                out.setdefault(key(item), []).append(item.finding)
        return out


def plan_date_findings(project) -> PlanDateFindings:
    """Open promises of the project dated before the plan item they rest on (one query)."""
    items = []
    promises = (
        Commitment.objects.filter(project=project, activity__isnull=False)
        .exclude(status__in=rules.CLOSED)
        .select_related("activity", "party")
        .order_by("promised_date", "pk")
    )
    for c in promises:
        items += commitment_plan_findings(c)
    return PlanDateFindings(items)


def commitment_plan_findings(c: Commitment) -> list[PlanDateFinding]:
    """One promise against its plan item (loaded with ``activity`` and ``party``: no query)."""
    item = c.activity
    if item is None:
        return []
    done = item.status == "done"
    findings = rules.plan_date_findings(
        promise_id=c.pk,
        what=c.what,
        promised_to=c.party.name if c.party else "A customer",
        promised_date=c.promised_date,
        status=c.status,
        item=rules.PlanItemFacts(
            id=item.pk,
            name=item.name,
            kind=item.get_kind_display().lower(),
            finish=item.actual_finish if done else item.planned_finish,
            done=done,
        ),
    )
    return [PlanDateFinding(c.pk, item.pk, finding) for finding in findings]


# --- promise realism (issue 10): the estimate's P80 or P50 against a promise ---------------------


def realism_level(project) -> int:
    """The project's over-promise threshold: 80 (P80, the default) or 50."""
    from .models import PromisePolicy

    policy = PromisePolicy.objects.filter(project=project).first()
    return policy.realism_level if policy else 80


def finish_date_at(project, level: int) -> dt.date | None:
    """The finish date the latest simulation gives ``level`` % confidence (calibrated on the
    organisation's history when there is enough of it); None without a simulation or a start."""
    from rapport.estimates import calibration
    from rapport.estimates.selectors import finish_date, run_latest
    from rapport.estimates.track_record import fits_get

    run = run_latest(project)
    if run is None or project.start_date is None:
        return None
    curve = run.result.get("s_curve", {})
    probabilities, values = curve.get("probability", []), curve.get("finish", [])
    if not values:
        return None
    fit = fits_get(project.org).finish
    if fit is not None:
        values = calibration.calibrated_curve(probabilities, values, fit)
    share = level / 100
    at = next((v for p, v in zip(probabilities, values, strict=True) if p >= share), values[-1])
    return finish_date(project, at)


def over_promise_findings(project, promised_date: dt.date, *, promise_id=None) -> list:
    """The ``over-promise`` warning for a promise resting on the project's finish, if its date is
    earlier than the estimate's P80 (or P50, per the project's policy)."""
    level = realism_level(project)
    return rules.over_promise_findings(
        promised_date=promised_date,
        level=level,
        date_at_level=finish_date_at(project, level),
        promise_id=promise_id,
    )
