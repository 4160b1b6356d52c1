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

from . import rules
from .models import Commitment, Expectation, Renegotiation
from .services import project_today


def commitment_list(project, *, state: str = "", today: dt.date | None = None):
    """The project's promises, soonest due first, with party, maker and renegotiation count.
    ``state`` filters by what people see: open, renegotiated, overdue, kept or broken."""
    today = today or project_today(project)
    promises = (
        Commitment.objects.filter(project=project)
        .select_related("party", "made_by")
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


def commitment_get(project, commitment_id) -> Commitment:
    commitment = (
        Commitment.objects.filter(project=project, pk=commitment_id)
        .select_related("party", "made_by", "project")
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
