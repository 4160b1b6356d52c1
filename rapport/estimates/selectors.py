"""Reads that the estimate pages, the API, the CLI and the PDF share.

Every list here costs a constant number of queries however many activities a project has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404

from rapport.raci.models import Activity, ActivityStatus

from . import rules, versions
from .calendar import working_days_until
from .models import ActivityEstimate, Dependency, EstimateVersion, SimulationRun, SponsorConstraint


def _decimal_text(value) -> str:
    return format(value, "f")


def activity_rows(project) -> list[Activity]:
    """Every activity of the project in plan order, with its estimate (or None), the person who
    estimated it and its predecessors (``activity.predecessors``): three queries in all."""
    activities = list(
        Activity.objects.filter(project=project).select_related("phase").order_by("position", "pk")
    )
    by_id = {a.pk: a for a in activities}
    estimates = {
        e.activity_id: e
        for e in ActivityEstimate.objects.filter(project=project).select_related("estimated_by")
    }
    predecessors: dict[int, list[Activity]] = {}
    for pred, succ in Dependency.objects.filter(project=project).values_list(
        "predecessor_id", "successor_id"
    ):
        if pred in by_id and succ in by_id:
            predecessors.setdefault(succ, []).append(by_id[pred])
    for a in activities:
        a.estimate_or_none = estimates.get(a.pk)
        if a.estimate_or_none is not None:
            a.estimate_or_none.activity = a  # no query per estimate for its activity's name
        a.predecessors = sorted(predecessors.get(a.pk, []), key=lambda p: (p.position, p.pk))
        a.is_excluded = a.status == ActivityStatus.CANCELLED
    return activities


def activity_get(project, activity_id) -> Activity:
    activity = Activity.objects.filter(project=project, pk=activity_id).first()
    if activity is None:
        raise Http404("No such activity")
    return activity


def constraint_get(project) -> SponsorConstraint | None:
    return SponsorConstraint.objects.select_related("stated_by").filter(project=project).first()


def estimate_snapshot(project) -> dict:
    """The whole estimate set and the target, as plain JSON (see versions.py)."""
    rows = activity_rows(project)
    names = {str(a.pk): a.name for a in rows}
    activities = []
    for a in rows:
        e = a.estimate_or_none
        if e is None:
            continue
        activities.append(
            {
                "id": a.pk,
                "name": a.name,
                "duration": [_decimal_text(v) for v in e.duration],
                "cost": [_decimal_text(v) for v in e.cost],
                "method": e.method,
                "assumptions": e.assumptions,
                "source": e.source,
                "estimated_by": e.estimated_by_id,
                "estimated_by_name": e.estimated_by.display_name if e.estimated_by else "",
            }
        )
    dependencies = [[p.pk, a.pk] for a in rows for p in a.predecessors]
    constraint = constraint_get(project)
    return {
        "activities": activities,
        "dependencies": dependencies,
        "names": names,
        "constraint": _constraint_json(constraint) if constraint else None,
    }


def _constraint_json(c: SponsorConstraint) -> dict:
    return {
        "finish_date": c.finish_date.isoformat() if c.finish_date else None,
        "budget": _decimal_text(c.budget) if c.budget is not None else None,
        "stated_by": c.stated_by_id,
        "stated_by_name": c.stated_by.name if c.stated_by else "",
        "stated_on": c.stated_on.isoformat() if c.stated_on else None,
        "notes": c.notes,
    }


# --- what the simulation gets -------------------------------------------------------------------


@dataclass
class SimulationInputs:
    """The network to simulate, the sponsor's target in working days, and what to tell people
    about how the input was read."""

    activities: list[rules.ActivityEstimate]
    target: rules.Target | None
    target_json: dict | None
    not_estimated: list[str] = field(default_factory=list)  # counted as 0 days and 0 cost
    excluded: list[str] = field(default_factory=list)  # cancelled: left out, links bridged
    notes: list[str] = field(default_factory=list)


def _bridged(preds: dict[int, list[int]], excluded: set[int]) -> dict[int, list[int]]:
    """Predecessor lists with excluded activities replaced by their own predecessors, so that
    leaving out a cancelled activity keeps the order of the work around it."""
    memo: dict[int, list[int]] = {}

    def expand(aid: int, seen: frozenset) -> list[int]:
        out: list[int] = []
        for p in preds.get(aid, []):
            if p in excluded:
                if p in seen:
                    continue  # a cycle through cancelled work: nothing to inherit
                if p not in memo:
                    memo[p] = expand(p, seen | {p})
                out.extend(memo[p])
            else:
                out.append(p)
        return list(dict.fromkeys(out))

    return {aid: expand(aid, frozenset({aid})) for aid in preds}


def simulation_inputs(project) -> SimulationInputs:
    """Every activity that is not cancelled: estimated ones with their ranges, the others as
    fixed zero (milestones, decisions, or work nobody has estimated yet, which is said)."""
    rows = activity_rows(project)
    excluded = {a.pk for a in rows if a.is_excluded}
    preds = _bridged({a.pk: [p.pk for p in a.predecessors] for a in rows}, excluded)
    activities, not_estimated = [], []
    zero = rules.ThreePoint.fixed(0)
    for a in rows:
        if a.is_excluded:
            continue
        e = a.estimate_or_none
        if e is None:
            not_estimated.append(a.name)
            activities.append(rules.ActivityEstimate(a.pk, a.name, zero, zero, tuple(preds[a.pk])))
        else:
            activities.append(e.rule_input(preds[a.pk]))
    target, target_json, notes = constraint_target(project, constraint_get(project))
    return SimulationInputs(
        activities=activities,
        target=target,
        target_json=target_json,
        not_estimated=not_estimated,
        excluded=[a.name for a in rows if a.is_excluded],
        notes=notes,
    )


def constraint_target(
    project, constraint: SponsorConstraint | None
) -> tuple[rules.Target | None, dict | None, list[str]]:
    """The sponsor's target as the simulation takes it (a finish in working days from the
    project's start, and a budget), its JSON, and notes on what could not be used."""
    if constraint is None:
        return None, None, []
    notes = []
    finish_days = None
    if constraint.finish_date is not None:
        if project.start_date is None:
            notes.append(
                "The sponsor's finish date is not checked: set the project's start date so the "
                "estimate's working days have calendar dates."
            )
        else:
            finish_days = working_days_until(project.start_date, constraint.finish_date)
    budget = float(constraint.budget) if constraint.budget is not None else None
    target_json = {
        "finish_date": constraint.finish_date.isoformat() if constraint.finish_date else None,
        "finish_days": finish_days,
        "budget": budget,
        "stated_by": constraint.stated_by.name if constraint.stated_by else "",
    }
    if finish_days is None and budget is None:
        return None, target_json, notes
    return rules.Target(finish_days=finish_days, budget=budget), target_json, notes


def finish_date(project, days: float | None) -> dt.date | None:
    """The calendar date a finish of ``days`` working days from the project start falls on."""
    if days is None or project.start_date is None:
        return None
    return rules.working_days_to_date(project.start_date, max(days, 0))


# --- versions and runs --------------------------------------------------------------------------


def version_list(project):
    return (
        EstimateVersion.objects.filter(project=project)
        .select_related("author", "restored_from")
        .defer("snapshot")
        .order_by("-number")
    )


def version_get(project, number) -> EstimateVersion:
    version = (
        EstimateVersion.objects.filter(project=project, number=number)
        .select_related("author", "restored_from")
        .first()
    )
    if version is None:
        raise Http404("No such version")
    return version


def version_current(project) -> EstimateVersion | None:
    return (
        EstimateVersion.objects.filter(project=project)
        .select_related("author")
        .order_by("-number")
        .first()
    )


def versions_with_echoes(project) -> list[EstimateVersion]:
    """The versions, newest first, each with ``same_as``: the number of the latest earlier
    version (not the one just before) that had exactly the same estimate — a change back."""
    found = list(version_list(project))
    first_seen: dict[str, list[int]] = {}
    for v in sorted(found, key=lambda v: v.number):
        earlier = [n for n in first_seen.get(v.digest, []) if n != v.number - 1]
        v.same_as = max(earlier) if earlier else None
        first_seen.setdefault(v.digest, []).append(v.number)
    return found


def version_compare(project, older: EstimateVersion, newer: EstimateVersion):
    return versions.compare(older.snapshot, newer.snapshot)


def run_latest(project) -> SimulationRun | None:
    return (
        SimulationRun.objects.filter(project=project)
        .select_related("run_by", "version")
        .order_by("-created_at", "-pk")
        .first()
    )
