"""Every write about estimates, dependencies, the sponsor's target and simulation runs.

Keyword-only; each change of an estimate, a dependency or the target needs a reason and saves a
new EstimateVersion (the whole estimate set, its author and the reason) in the same transaction,
so the history is complete and "changing it back" shows as a version of its own. Bad input is
refused with every problem named (the messages come from rules.py) and changes nothing.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rapport.lib.audit import acting_as
from rapport.lib.validation import field_error, validated_save
from rapport.projects.models import Project
from rapport.raci.models import Activity
from rapport.stakeholders.models import Party

from . import rules, selectors, versions
from .models import (
    COST_FIELDS,
    DURATION_FIELDS,
    ActivityEstimate,
    Dependency,
    EstimateMethod,
    EstimateVersion,
    SimulationRun,
    SponsorConstraint,
)

MAX_ITERATIONS = 100_000
MAX_SEED = 2**63 - 1
REASON_LIMIT = 2000
PARTS = ("optimistic", "most_likely", "pessimistic")
GRAPH_CODES = {"dependency-cycle", "self-dependency", "unknown-dependency"}
_UNSET = object()


# --- helpers ------------------------------------------------------------------------------------


def _reason(reason) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise field_error("reason", "Say why the estimate changes: every version keeps its reason.")
    if len(text) > REASON_LIMIT:
        raise field_error("reason", f"At most {REASON_LIMIT} characters.")
    return text


def _lock(project) -> Project:
    """Estimate writes of one project happen one at a time, so version numbers never clash."""
    return Project.objects.select_for_update(of=("self",)).select_related("org").get(pk=project.pk)


def _decimal(value, field: str, label: str) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise field_error(field, f"{label}: give a number.")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise field_error(field, f"{label}: {value!r} is not a number.") from None
    if not number.is_finite():
        raise field_error(field, f"{label}: give a finite number.")
    if abs(number) >= Decimal("1e12"):
        raise field_error(field, f"{label}: {value} is too large.")
    return number.quantize(Decimal("0.01"))


def _three_points(values, what: str, label: str) -> tuple[Decimal, Decimal, Decimal]:
    if not isinstance(values, list | tuple) or len(values) != 3:
        raise field_error(
            what, f"{label}: give the {what} as optimistic, most likely, pessimistic."
        )
    errors: dict[str, list[str]] = {}
    out = []
    for part, value in zip(PARTS, values, strict=True):
        name = f"{what}_{part}"
        try:
            out.append(_decimal(value, name, f"{label}: {what} {part.replace('_', ' ')}"))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return tuple(out)


def _field_of(finding: rules.Finding, label: str) -> str:
    """Which form field a rules finding about one activity's numbers concerns."""
    rest = finding.message[len(label) + 2 :] if finding.message.startswith(label) else ""
    what = "cost" if rest.startswith("cost") else "duration"
    if finding.code == "most-likely-below-optimistic":
        return f"{what}_most_likely"
    if finding.code == "pessimistic-below-most-likely":
        return f"{what}_pessimistic"
    tail = rest[len(what) + 1 :]
    for part in PARTS:
        if tail.startswith(part.replace("_", " ")):
            return f"{what}_{part}"
    return what


def _check_ranges(activity: Activity, duration, cost, prefix: str = "") -> dict[str, list[str]]:
    """Problems with one activity's ranges, keyed by field, messages from rules.py."""
    probe = rules.ActivityEstimate(
        activity.pk,
        activity.name,
        rules.ThreePoint(*(float(v) for v in duration)),
        rules.ThreePoint(*(float(v) for v in cost)),
    )
    errors: dict[str, list[str]] = {}
    for finding in rules.validate_activities([probe]):
        errors.setdefault(prefix + _field_of(finding, probe.label), []).append(finding.message)
    return errors


def _record_version(*, actor, project, reason: str, restored_from=None) -> EstimateVersion | None:
    """Snapshot the estimate set as it now stands as the next version; None when nothing changed
    since the last version."""
    snapshot = selectors.estimate_snapshot(project)
    last = (
        EstimateVersion.objects.filter(project=project).order_by("-number").only("number").first()
    )
    previous = (
        EstimateVersion.objects.get(pk=last.pk).snapshot if last else versions.empty_snapshot()
    )
    changes = versions.compare(previous, snapshot)
    if not changes:
        return None
    summary = versions.summary(changes)
    if restored_from is not None:
        summary = f"Restores version {restored_from.number}: {summary}"[:500]
    version = EstimateVersion(
        project=project,
        number=(last.number if last else 0) + 1,
        snapshot=snapshot,
        digest=versions.digest(snapshot),
        summary=summary,
        reason=reason,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        restored_from=restored_from,
    )
    with acting_as(actor):
        return validated_save(version)


def _user_on_project(user, project):
    from rapport.accounts.access import project_level

    if user is not None and project_level(user, project) == 0:
        raise field_error("estimated_by", f"{user.display_name} has no role on {project.code}.")
    return user


def _check_predecessors(project, activity: Activity, predecessors: Iterable[Activity]) -> list:
    """The new predecessors of ``activity`` (see _check_links)."""
    return _check_links(project, {activity: predecessors})[activity.pk]


def _check_links(project, wanted: dict) -> dict[int, list[Activity]]:
    """New predecessor lists for some activities ({activity: predecessors}), refused if any
    predecessor is in another project, or if they would make the plan depend on itself (each
    cycle is named, activity by activity). Returns {activity id: [predecessors]}."""
    chosen: dict[int, list[Activity]] = {}
    for activity, predecessors in wanted.items():
        mine: list[Activity] = []
        for p in predecessors:
            if not isinstance(p, Activity):
                raise field_error("predecessors", f"{p!r} is not an activity.")
            if p.project_id != project.pk:
                raise field_error(
                    "predecessors",
                    f"{p.name} belongs to another project: dependencies stay within {project.code}.",
                )
            if p.pk not in {c.pk for c in mine}:
                mine.append(p)
        chosen[activity.pk] = mine
    links: dict[int, list[int]] = {}
    for pred, succ in Dependency.objects.filter(project=project).values_list(
        "predecessor_id", "successor_id"
    ):
        if succ not in chosen:
            links.setdefault(succ, []).append(pred)
    for pk, mine in chosen.items():
        links[pk] = [p.pk for p in mine]
    zero = rules.ThreePoint.fixed(0)
    graph = [
        rules.ActivityEstimate(pk, name, zero, zero, tuple(links.get(pk, ())))
        for pk, name in Activity.objects.filter(project=project)
        .order_by("position", "pk")
        .values_list("pk", "name")
    ]
    problems = [f.message for f in rules.validate_activities(graph) if f.code in GRAPH_CODES]
    if problems:
        raise ValidationError({"predecessors": problems})
    return chosen


def _replace_links(
    project, chosen: dict[int, Sequence[Activity]], successors: dict[int, Activity]
) -> None:
    """Make ``chosen`` ({successor id: predecessors}) the predecessors of those activities
    (``successors``: {id: activity}), in one query plus one write (and its audit entry) per link
    added or removed."""
    existing = list(
        Dependency.objects.filter(project=project, successor_id__in=list(chosen)).select_related(
            "project"
        )
    )
    have = set()
    for link in existing:
        wanted = {p.pk for p in chosen[link.successor_id]}
        if link.predecessor_id in wanted:
            have.add((link.predecessor_id, link.successor_id))
        else:
            link.delete()
    for succ, preds in chosen.items():
        for p in preds:
            if (p.pk, succ) not in have:
                # checked already: same project (_check_links), no duplicate (``have``)
                _trusted_save(
                    Dependency(project=project, predecessor=p, successor=successors[succ])
                )


def _replace_predecessors(project, activity: Activity, chosen: Sequence[Activity]) -> None:
    _replace_links(project, {activity.pk: chosen}, {activity.pk: activity})


def _trusted_save(instance, exclude=("project", "activity", "predecessor", "successor")):
    """Save what the service checked itself (related rows in this project, uniqueness): the
    fields' own validation still runs, without a query per foreign key."""
    names = {f.name for f in instance._meta.fields}
    instance.full_clean(
        exclude=[n for n in exclude if n in names],
        validate_unique=False,
        validate_constraints=False,
    )
    instance.save()
    return instance


def _activity_in(project, activity) -> Activity:
    if not isinstance(activity, Activity) or activity.project_id != project.pk:
        raise field_error("activity", "Choose an activity of this project.")
    return activity


# --- estimates ----------------------------------------------------------------------------------


@dataclass
class Saved:
    """What an estimate write did: the new version (None when nothing changed)."""

    version: EstimateVersion | None
    estimate: ActivityEstimate | None = None
    skipped: tuple[str, ...] = ()


def estimate_set(
    *,
    actor,
    activity: Activity,
    reason: str,
    duration: Sequence,
    cost: Sequence,
    method: str | None = None,
    assumptions: str | None = None,
    source: str | None = None,
    estimated_by=_UNSET,
    predecessors: Iterable[Activity] | None = None,
) -> Saved:
    """Set one activity's three-point duration (working days) and cost, with its basis of
    estimate, and (when given) its finish-to-start predecessors. Saves a new version."""
    with transaction.atomic():
        project = _lock(activity.project)
        activity = _activity_in(project, activity)
        reason = _reason(reason)
        errors: dict[str, list[str]] = {}
        parsed = {}
        for what, values in (("duration", duration), ("cost", cost)):
            try:
                parsed[what] = _three_points(values, what, activity.name)
            except ValidationError as error:
                errors.update(error.message_dict)
        if not errors:
            errors.update(_check_ranges(activity, parsed["duration"], parsed["cost"]))
        if method is not None and method not in EstimateMethod.values:
            errors["method"] = [f"Use one of {', '.join(EstimateMethod.values)}."]
        if source is not None and len(source.strip()) > 300:
            errors["source"] = ["At most 300 characters."]
        chosen = None
        if predecessors is not None:
            try:
                chosen = _check_predecessors(project, activity, predecessors)
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

        estimate = ActivityEstimate.objects.filter(activity=activity).first()
        if estimate is None:
            estimate = ActivityEstimate(activity=activity, project=project)
            if estimated_by is _UNSET:
                estimated_by = actor if getattr(actor, "is_authenticated", False) else None
        for name, value in zip(DURATION_FIELDS, parsed["duration"], strict=True):
            setattr(estimate, name, value)
        for name, value in zip(COST_FIELDS, parsed["cost"], strict=True):
            setattr(estimate, name, value)
        if method is not None:
            estimate.method = method
        if assumptions is not None:
            estimate.assumptions = assumptions.strip()
        if source is not None:
            estimate.source = source.strip()
        if estimated_by is not _UNSET:
            estimate.estimated_by = _user_on_project(estimated_by, project)
        estimate.updated_at = timezone.now()
        with acting_as(actor):
            validated_save(estimate)
            if chosen is not None:
                _replace_predecessors(project, activity, chosen)
        version = _record_version(actor=actor, project=project, reason=reason)
        return Saved(version=version, estimate=estimate)


BASIS_KEYS = ("method", "assumptions", "source", "estimated_by")


def estimates_set_many(*, actor, project, rows: Sequence[dict], reason: str) -> Saved:
    """Set the estimates of several activities at once (the estimate sheet, the demo, imports):
    ``rows`` of ``{"activity", "duration", "cost"}`` and optionally ``"method"``,
    ``"assumptions"``, ``"source"``, ``"estimated_by"`` and ``"predecessors"``. All or nothing;
    errors are keyed ``<activity id>-<field>``. One version for the whole change."""
    with transaction.atomic():
        project = _lock(project)
        reason = _reason(reason)
        errors: dict[str, list[str]] = {}
        parsed = []
        links = {}
        for row in rows:
            activity = _activity_in(project, row.get("activity"))
            prefix = f"{activity.pk}-"
            values = {}
            for what in ("duration", "cost"):
                try:
                    values[what] = _three_points(row.get(what), what, activity.name)
                except ValidationError as error:
                    errors.update({prefix + k: v for k, v in error.message_dict.items()})
            if len(values) == 2:
                found = _check_ranges(activity, values["duration"], values["cost"], prefix)
                errors.update(found)
            method = row.get("method")
            if method is not None and method not in EstimateMethod.values:
                errors[prefix + "method"] = [f"Use one of {', '.join(EstimateMethod.values)}."]
            if len((row.get("source") or "").strip()) > 300:
                errors[prefix + "source"] = ["At most 300 characters."]
            if "estimated_by" in row:
                try:
                    _user_on_project(row["estimated_by"], project)
                except ValidationError as error:
                    errors[prefix + "estimated_by"] = error.messages
            if row.get("predecessors") is not None:
                links[activity] = row["predecessors"]
            parsed.append((activity, values, {k: row[k] for k in BASIS_KEYS if k in row}))
        chosen = {}
        if links and not errors:
            chosen = _check_links(project, links)
        if errors:
            raise ValidationError(errors)
        existing = {
            e.activity_id: e
            for e in ActivityEstimate.objects.filter(
                project=project, activity__in=[a for a, _, _ in parsed]
            )
        }
        with acting_as(actor):
            for activity, values, basis in parsed:
                estimate = existing.get(activity.pk)
                if estimate is None:
                    estimate = ActivityEstimate(
                        activity=activity,
                        project=project,
                        estimated_by=actor if getattr(actor, "is_authenticated", False) else None,
                    )
                before = (
                    estimate.duration,
                    estimate.cost,
                    *(getattr(estimate, k, None) for k in basis),
                )
                for name, value in zip(DURATION_FIELDS, values["duration"], strict=True):
                    setattr(estimate, name, value)
                for name, value in zip(COST_FIELDS, values["cost"], strict=True):
                    setattr(estimate, name, value)
                for key, value in basis.items():
                    setattr(estimate, key, value.strip() if isinstance(value, str) else value)
                after = (estimate.duration, estimate.cost, *(getattr(estimate, k) for k in basis))
                if estimate.pk is not None and before == after:
                    continue
                estimate.updated_at = timezone.now()
                _trusted_save(estimate, exclude=("project", "activity", "estimated_by"))
            if chosen:
                _replace_links(project, chosen, {a.pk: a for a in links})
        return Saved(version=_record_version(actor=actor, project=project, reason=reason))


def estimate_delete(*, actor, activity: Activity, reason: str) -> Saved:
    """Remove an activity's estimate (its dependencies stay). Saves a new version."""
    with transaction.atomic():
        project = _lock(activity.project)
        reason = _reason(reason)
        estimate = ActivityEstimate.objects.filter(activity=activity).first()
        if estimate is None:
            raise field_error("activity", f"{activity.name} has no estimate to remove.")
        with acting_as(actor):
            estimate.delete()
        return Saved(version=_record_version(actor=actor, project=project, reason=reason))


def dependencies_set(
    *, actor, activity: Activity, predecessors: Iterable[Activity], reason: str
) -> Saved:
    """Make these activities the finish-to-start predecessors of ``activity``; refused with the
    cycle named if that would make the plan depend on itself. Saves a new version."""
    with transaction.atomic():
        project = _lock(activity.project)
        activity = _activity_in(project, activity)
        reason = _reason(reason)
        chosen = _check_predecessors(project, activity, predecessors)
        with acting_as(actor):
            _replace_predecessors(project, activity, chosen)
        return Saved(version=_record_version(actor=actor, project=project, reason=reason))


# --- the sponsor's target -----------------------------------------------------------------------


def constraint_set(
    *,
    actor,
    project,
    reason: str,
    finish_date: date | None = None,
    budget=None,
    stated_by: Party | None = None,
    stated_on: date | None = None,
    notes: str = "",
) -> Saved:
    """Record what the sponsor asked for: a finish date, a budget, or both. Saves a version."""
    with transaction.atomic():
        project = _lock(project)
        reason = _reason(reason)
        if budget is not None and budget != "":
            budget = _decimal(budget, "budget", "Budget")
            if budget < 0:
                raise field_error("budget", "A budget cannot be negative.")
        else:
            budget = None
        if stated_by is not None and not isinstance(stated_by, Party):
            raise field_error("stated_by", "Choose a party from the register.")
        constraint = SponsorConstraint.objects.filter(project=project).first() or (
            SponsorConstraint(project=project)
        )
        constraint.project = project
        constraint.finish_date = finish_date
        constraint.budget = budget
        constraint.stated_by = stated_by
        constraint.stated_on = stated_on
        constraint.notes = (notes or "").strip()
        constraint.updated_at = timezone.now()
        with acting_as(actor):
            validated_save(constraint)
        return Saved(version=_record_version(actor=actor, project=project, reason=reason))


def constraint_clear(*, actor, project, reason: str) -> Saved:
    """Remove the sponsor's target (the versions keep it). Saves a version."""
    with transaction.atomic():
        project = _lock(project)
        reason = _reason(reason)
        constraint = SponsorConstraint.objects.filter(project=project).first()
        if constraint is None:
            raise field_error("finish_date", "There is no target to remove.")
        with acting_as(actor):
            constraint.delete()
        return Saved(version=_record_version(actor=actor, project=project, reason=reason))


# --- going back ---------------------------------------------------------------------------------


def _estimate_values(estimate: ActivityEstimate) -> tuple:
    return (
        *(getattr(estimate, f) for f in (*DURATION_FIELDS, *COST_FIELDS)),
        estimate.method,
        estimate.assumptions,
        estimate.source,
        estimate.estimated_by_id,
    )


def estimate_restore(*, actor, project, version: EstimateVersion, reason: str) -> Saved:
    """Put the estimates, dependencies and target of an earlier version back, as a new version
    that says which one it restores and why. Activities deleted since are skipped (named in
    ``skipped``); nothing is ever restored silently."""
    with transaction.atomic():
        project = _lock(project)
        reason = _reason(reason)
        if version.project_id != project.pk:
            raise field_error("version", "That version belongs to another project.")
        snapshot = version.snapshot
        activities = {a.pk: a for a in Activity.objects.filter(project=project)}
        wanted = {int(a["id"]): a for a in snapshot.get("activities", [])}
        skipped = [a["name"] for aid, a in wanted.items() if aid not in activities]
        users = get_user_model().objects.in_bulk(
            [a["estimated_by"] for a in wanted.values() if a.get("estimated_by")]
        )
        with acting_as(actor):
            for estimate in ActivityEstimate.objects.filter(project=project):
                if estimate.activity_id not in wanted:
                    estimate.delete()
            current = {e.activity_id: e for e in ActivityEstimate.objects.filter(project=project)}
            for aid, data in wanted.items():
                if aid not in activities:
                    continue
                estimate = current.get(aid) or ActivityEstimate(
                    activity=activities[aid], project=project
                )
                before = _estimate_values(estimate)
                for name, value in zip(DURATION_FIELDS, data["duration"], strict=True):
                    setattr(estimate, name, Decimal(value))
                for name, value in zip(COST_FIELDS, data["cost"], strict=True):
                    setattr(estimate, name, Decimal(value))
                estimate.method = data.get("method") or EstimateMethod.EXPERT
                estimate.assumptions = data.get("assumptions", "")
                estimate.source = data.get("source", "")
                estimate.estimated_by = users.get(data.get("estimated_by"))
                if estimate.pk is not None and _estimate_values(estimate) == before:
                    continue  # unchanged: no write, no audit entry
                estimate.updated_at = timezone.now()
                _trusted_save(estimate, exclude=("project", "activity", "estimated_by"))

            pairs = {
                (int(p), int(s))
                for p, s in snapshot.get("dependencies", [])
                if int(p) in activities and int(s) in activities
            }
            wanted_links: dict[int, list[Activity]] = {aid: [] for aid in activities}
            for p, succ in sorted(pairs):
                wanted_links[succ].append(activities[p])
            _replace_links(project, wanted_links, activities)

            data = snapshot.get("constraint")
            constraint = SponsorConstraint.objects.filter(project=project).first()
            if data is None and constraint is not None:
                constraint.delete()
            elif data is not None:
                constraint = constraint or SponsorConstraint(project=project)
                constraint.project = project
                constraint.finish_date = (
                    date.fromisoformat(data["finish_date"]) if data.get("finish_date") else None
                )
                constraint.budget = Decimal(data["budget"]) if data.get("budget") else None
                constraint.stated_by = Party.objects.filter(
                    pk=data.get("stated_by"), org=project.org
                ).first()
                constraint.stated_on = (
                    date.fromisoformat(data["stated_on"]) if data.get("stated_on") else None
                )
                constraint.notes = data.get("notes", "")
                constraint.updated_at = timezone.now()
                validated_save(constraint)

        new = _record_version(actor=actor, project=project, reason=reason, restored_from=version)
        if new is None:
            raise field_error(
                "version",
                f"The estimate already matches version {version.number}: nothing to restore.",
            )
        return Saved(version=new, skipped=tuple(skipped))


# --- simulation ---------------------------------------------------------------------------------


def _check_run_settings(iterations, seed, confidence, distribution) -> None:
    errors: dict[str, list[str]] = {}
    if isinstance(iterations, bool) or not isinstance(iterations, int):
        errors["iterations"] = ["Give the number of iterations as a whole number."]
    elif not 100 <= iterations <= MAX_ITERATIONS:
        errors["iterations"] = [f"Use between 100 and {MAX_ITERATIONS:,} iterations."]
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED
    ):
        errors["seed"] = ["A seed is a whole number from 0 up (or leave it empty for a new one)."]
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        errors["confidence"] = ["Give the confidence as a share, like 0.8 for P80."]
    elif not 0.5 <= confidence <= 0.99:
        errors["confidence"] = ["Use a confidence from 0.5 (P50) to 0.99 (P99)."]
    if distribution not in rules.DISTRIBUTIONS:
        errors["distribution"] = [f"Use one of {', '.join(rules.DISTRIBUTIONS)}."]
    if errors:
        raise ValidationError(errors)


def simulation_run(
    *,
    actor,
    project,
    iterations: int = rules.DEFAULT_ITERATIONS,
    seed: int | None = None,
    confidence: float = rules.DEFAULT_CONFIDENCE,
    distribution: str = rules.PERT,
    save: bool = True,
) -> SimulationRun:
    """Simulate the project's current estimate (seeded: the same seed and estimate give the same
    result) against the sponsor's target, and keep the run so the page shows it. With
    ``save=False`` the run is returned unsaved (the CLI's default). ``run.simulation`` holds the
    full rules.SimulationResult. Refused with every problem named when the estimate cannot be
    simulated."""
    _check_run_settings(iterations, seed, confidence, distribution)
    # as stored now: the start date and currency the figures are read with
    project = Project.objects.select_related("org").get(pk=project.pk)
    if seed is None:
        seed = secrets.randbelow(2**32)
    inputs = selectors.simulation_inputs(project)
    if inputs.activities and len(inputs.not_estimated) == len(inputs.activities):
        # Every activity would count as zero: a "0 working days, 0 EUR" plan is not a forecast.
        raise ValidationError(
            f"Nothing on {project.code} is estimated yet: give at least one activity its "
            "three-point estimate, then run the simulation."
        )
    version = selectors.version_current(project)
    started = time.perf_counter()
    try:
        result = rules.simulate(
            inputs.activities,
            iterations=iterations,
            seed=seed,
            distribution=distribution,
            confidence=float(confidence),
            target=inputs.target,
        )
    except rules.EstimateError as error:
        if any(p.code == "no-activities" for p in error.problems):
            raise ValidationError(
                f"{project.code} has no activities to simulate yet: add activities and their "
                "three-point estimates first."
            ) from None
        raise ValidationError(error.messages) from None
    elapsed = round((time.perf_counter() - started) * 1000)
    summary = result.to_dict()
    summary["version"] = version.number if version else None
    summary["target"] = inputs.target_json
    summary["names"] = {str(a.id): a.label for a in inputs.activities}
    summary["not_estimated"] = inputs.not_estimated
    summary["excluded"] = inputs.excluded
    summary["notes"] = inputs.notes
    summary["currency"] = project.currency
    summary["start_date"] = project.start_date.isoformat() if project.start_date else None
    summary["mean_cost"] = {str(k): round(v, 4) for k, v in result.mean_cost.items()}
    summary["critical_days"] = {str(k): round(v, 4) for k, v in result.critical_days.items()}
    calibrated, refused = _calibrated(project, result, inputs.target)
    summary["calibrated"] = calibrated
    summary["calibration_refused"] = refused
    run = SimulationRun(
        project=project,
        version=version,
        seed=seed,
        iterations=iterations,
        confidence=float(confidence),
        distribution=distribution,
        result=summary,
        elapsed_ms=elapsed,
        run_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if save:
        # the simulation itself runs outside the transaction: SQLite takes its write lock at BEGIN
        with transaction.atomic(), acting_as(actor):
            run.save()
    run.simulation = result
    return run


def _calibrated(project, result: rules.SimulationResult, target) -> tuple[dict | None, str]:
    """The forecast calibrated on the organisation's completed projects (the cached fit: one
    query), or why there is none."""
    from . import calibration
    from .track_record import fits_get

    fits = fits_get(project.org)
    if fits.finish is None:
        return None, fits.refused
    calibrated = calibration.calibrate(
        finish_samples=result.finish_samples,
        cost_samples=result.cost_samples,
        base=(result.base.finish, result.base.cost),
        confidence=result.confidence,
        finish_fit=fits.finish,
        cost_fit=fits.cost,
        target=(target.finish_days, target.budget) if target is not None else None,
    )
    return calibrated.to_dict(), ""


def simulation_repeat(*, actor, run: SimulationRun) -> SimulationRun:
    """Run again with the same seed, iterations, confidence and distribution: on an unchanged
    estimate the result is identical."""
    return simulation_run(
        actor=actor,
        project=run.project,
        iterations=run.iterations,
        seed=run.seed,
        confidence=run.confidence,
        distribution=run.distribution,
    )
