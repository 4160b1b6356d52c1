"""Every write about status updates, risks, health settings and evidence snapshots.

A status update is a draft until published; published ones never change. A correction is a new,
published version that supersedes the old one and says why. Every publication takes an evidence
snapshot, so the board's history shows what was reported against what the evidence said then.
"""

from __future__ import annotations

from dataclasses import fields as dc_fields
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rapport.lib.audit import acting_as
from rapport.lib.validation import field_error, refuse_unknown_fields, validated_save

from . import rules, selectors
from .models import (
    DIMENSIONS,
    Colour,
    EvidenceSnapshot,
    HealthConfig,
    Level,
    Risk,
    StatusDecision,
    StatusObstacle,
    StatusUpdate,
    UpdateState,
)

UPDATE_FIELDS = (
    "period_start",
    "period_end",
    "overall",
    "summary",
    *(key for key, _ in DIMENSIONS),
    *(f"{key}_note" for key, _ in DIMENSIONS),
    "progress",
    "spent",
    "went_well",
    "not_going_well",
    "next_steps",
)
COLOUR_FIELDS = ("overall", *(key for key, _ in DIMENSIONS))
RISK_FIELDS = ("title", "probability", "impact", "mitigation", "owner")
MAX_ITEMS = 20  # obstacles or decisions on one update


def _clean(fields: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}


def _check_parties(project, parties) -> list:
    parties = [p for p in parties or [] if p is not None]
    for party in parties:
        if party.org_id != project.org_id:
            raise field_error("obstacles", "That party is in another organisation's register.")
    return parties


def _items_replace(update: StatusUpdate, obstacles, decisions) -> None:
    """Make the update's obstacles and decisions exactly these (lists of dicts)."""
    project = update.project
    if obstacles is not None:
        if len(obstacles) > MAX_ITEMS:
            raise field_error("obstacles", f"At most {MAX_ITEMS} obstacles on one update.")
        for obstacle in update.obstacles.all():
            obstacle.delete()
        for position, item in enumerate(obstacles):
            text = (item.get("text") or "").strip()
            if not text:
                continue
            customers = _check_parties(project, item.get("customers"))
            obstacle = StatusObstacle(
                update=update,
                text=text,
                impact=(item.get("impact") or "").strip(),
                position=position,
            )
            validated_save(obstacle)
            obstacle.customers.set(customers)
    if decisions is not None:
        if len(decisions) > MAX_ITEMS:
            raise field_error("decisions", f"At most {MAX_ITEMS} decisions on one update.")
        for decision in update.decisions.all():
            decision.delete()
        for position, item in enumerate(decisions):
            text = (item.get("text") or "").strip()
            if not text:
                continue
            needed_from = item.get("needed_from")
            if needed_from is not None:
                _check_parties(project, [needed_from])
            validated_save(
                StatusDecision(
                    update=update,
                    text=text,
                    needed_from=needed_from,
                    needed_by=item.get("needed_by"),
                    position=position,
                )
            )


def _check_publishable(update: StatusUpdate) -> None:
    errors = {}
    if update.overall not in Colour.values:
        errors["overall"] = "Choose the overall colour: green, amber or red."
    for name in COLOUR_FIELDS[1:]:  # a dimension may stay "not assessed" (blank)
        if getattr(update, name) not in ("", *Colour.values):
            errors[name] = "Choose green, amber or red, or leave it not assessed."
    if not (update.summary or "").strip():
        errors["summary"] = "Say in plain words where the project is."
    if not (update.not_going_well or "").strip():
        errors["not_going_well"] = (
            'Say what is not going well. If nothing is, write "nothing": bad news is OK here, '
            "and an explicit “nothing” is part of an honest report."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def status_update_create(
    *, actor, project, obstacles=None, decisions=None, publish: bool = False, **fields
) -> StatusUpdate:
    """Start a status update (a draft), or publish it at once with ``publish=True``."""
    refuse_unknown_fields(fields, UPDATE_FIELDS, "status update")
    fields = _clean(fields)
    for name in COLOUR_FIELDS:
        fields.setdefault(name, fields.get("overall") or "")
    update = StatusUpdate(project=project, author=actor, **fields)
    with acting_as(actor):
        validated_save(update)
        _items_replace(update, obstacles or [], decisions or [])
    if publish:
        return status_update_publish(actor=actor, update=update)
    return update


@transaction.atomic
def status_update_update(
    *, actor, update: StatusUpdate, obstacles=None, decisions=None, **fields
) -> StatusUpdate:
    """Change a draft. A published update refuses: publish a correction instead."""
    refuse_unknown_fields(fields, UPDATE_FIELDS, "status update")
    update = (
        StatusUpdate.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=update.pk)
    )
    if update.is_published:
        raise ValidationError(
            "This status update is published and cannot be changed; publish a correction with a reason."
        )
    for name, value in _clean(fields).items():
        setattr(update, name, value)
    with acting_as(actor):
        validated_save(update)
        _items_replace(update, obstacles, decisions)
    return update


@transaction.atomic
def status_update_publish(
    *, actor, update: StatusUpdate, now: datetime | None = None
) -> StatusUpdate:
    """Publish a draft: it becomes the project's status and never changes again.

    "What is not going well" must be said (an explicit "nothing" counts). The top risks are kept
    as they stand now, and an evidence snapshot records reported against evidence.
    """
    update = (
        StatusUpdate.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=update.pk)
    )
    if update.is_published:
        raise ValidationError("This status update is published already.")
    _check_publishable(update)
    now = now or timezone.now()
    update.top_risks = selectors.top_risks(update.project)
    update.state = UpdateState.PUBLISHED
    update.published_at = now
    with acting_as(actor):
        update.full_clean()
        update.save()
    snapshot_take(project=update.project, now=now)
    return update


@transaction.atomic
def status_update_correct(
    *, actor, update: StatusUpdate, reason: str, obstacles=None, decisions=None, **fields
) -> StatusUpdate:
    """Publish a corrected version of a published update, saying why. The original stays as it
    was (reports sent with it remain explainable); the correction becomes the current status."""
    refuse_unknown_fields(fields, UPDATE_FIELDS, "status update")
    original = (
        StatusUpdate.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=update.pk)
    )
    if not original.is_published:
        raise ValidationError("Only a published update is corrected; edit the draft instead.")
    if StatusUpdate.objects.filter(supersedes=original).exists():
        raise ValidationError(
            "This version has been corrected already; correct the latest version."
        )
    reason = (reason or "").strip()
    if not reason:
        raise field_error("correction_reason", "Say why the published update is corrected.")
    copied = {name: getattr(original, name) for name in UPDATE_FIELDS}
    copied.update(_clean(fields))
    if obstacles is None:
        obstacles = [
            {"text": o.text, "impact": o.impact, "customers": list(o.customers.all())}
            for o in original.obstacles.all()
        ]
    if decisions is None:
        decisions = [
            {"text": d.text, "needed_from": d.needed_from, "needed_by": d.needed_by}
            for d in original.decisions.all()
        ]
    correction = StatusUpdate(
        project=original.project,
        author=actor,
        version=original.version + 1,
        supersedes=original,
        correction_reason=reason,
        **copied,
    )
    with acting_as(actor):
        validated_save(correction)
        _items_replace(correction, obstacles, decisions)
    return status_update_publish(actor=actor, update=correction)


@transaction.atomic
def status_update_delete(*, actor, update: StatusUpdate) -> None:
    """Throw away a draft. Published updates are kept for ever."""
    update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
    if update.is_published:
        raise ValidationError("A published status update is kept; publish a correction instead.")
    with acting_as(actor):
        for item in [*update.obstacles.all(), *update.decisions.all()]:
            item.delete()
        update.delete()


# --- risks ------------------------------------------------------------------------------------


def _check_levels(fields: dict) -> None:
    for name in ("probability", "impact"):
        if name in fields and fields[name] not in Level.values:
            raise field_error(name, "Use low, medium or high.")


@transaction.atomic
def risk_create(*, actor, project, title: str, **fields) -> Risk:
    refuse_unknown_fields(fields, RISK_FIELDS, "risk")
    _check_levels(fields)
    risk = Risk(project=project, title=(title or "").strip(), **_clean(fields))
    with acting_as(actor):
        return validated_save(risk)


@transaction.atomic
def risk_update(*, actor, risk: Risk, **fields) -> Risk:
    refuse_unknown_fields(fields, RISK_FIELDS, "risk")
    _check_levels(fields)
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    for name, value in _clean(fields).items():
        setattr(risk, name, value)
    with acting_as(actor):
        return validated_save(risk)


@transaction.atomic
def risk_close(*, actor, risk: Risk, reopen: bool = False) -> Risk:
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    risk.closed_at = None if reopen else timezone.now()
    with acting_as(actor):
        return validated_save(risk)


# --- health settings ---------------------------------------------------------------------------


@transaction.atomic
def health_config_set(
    *, actor, project, margin: int = 1, overrides: dict | None = None
) -> HealthConfig:
    """Set the project's health thresholds (only the ones that differ from the defaults are kept)
    and the watermelon margin. Thresholds are validated by rules.HealthSettings."""
    overrides = dict(overrides or {})
    known = {f.name: f for f in dc_fields(rules.HealthSettings)}
    unknown = set(overrides) - set(known)
    if unknown:
        raise field_error("overrides", f"Unknown health settings: {', '.join(sorted(unknown))}.")
    try:
        settings = rules.HealthSettings(**overrides)
    except (TypeError, ValueError) as error:
        raise field_error("overrides", str(error)) from None
    defaults = rules.HealthSettings()
    kept = {
        name: getattr(settings, name)
        for name in known
        if getattr(settings, name) != getattr(defaults, name)
    }
    if isinstance(margin, bool) or not isinstance(margin, int) or not 1 <= margin <= 2:
        raise field_error("margin", "The watermelon margin is 1 or 2 steps.")
    config = HealthConfig.objects.select_for_update().filter(project=project).first()
    config = config or HealthConfig(project=project)
    config.margin = margin
    config.overrides = kept
    with acting_as(actor):
        return validated_save(config)


# --- evidence snapshots ------------------------------------------------------------------------


def snapshot_take(*, project, now: datetime | None = None) -> EvidenceSnapshot:
    """Record the project's health now (reported, evidence, watermelon) for the history."""
    health = selectors.project_health(project, now=now)
    report = health.report
    slips = health.inputs.milestone_slip_days
    return EvidenceSnapshot.objects.create(
        project=project,
        taken_at=health.as_of,
        reported=report.reported.label if report.reported is not None else "",
        evidence=report.evidence.colour.label if report.evidence.colour is not None else "",
        watermelon=report.watermelon is not None,
        watermelon_message=report.watermelon.message if report.watermelon else "",
        progress=health.inputs.progress_share
        if health.inputs.progress_share is not None
        else _activity_progress(project, health),
        spent_share=health.spent_share,
        worst_slip_days=max([0, *slips]) if slips is not None else None,
        report=report.to_dict(),
        status_update=health.update,
    )


def _activity_progress(project, health) -> float | None:
    # progress_share is only passed to the rules with a spent figure; the history wants it anyway.
    from .selectors import _activity_evidence, project_today

    return _activity_evidence(project, project_today(project, health.as_of))["progress_share"]


def snapshots_refresh(
    *, now: datetime | None = None, max_age: timedelta = timedelta(hours=6)
) -> int:
    """Snapshot every running project whose latest snapshot is older than ``max_age``.

    Called by the periodic delivery run, so the board and its history stay current without
    anyone opening each project. Returns how many snapshots were taken.
    """
    from django.db.models import Max

    from rapport.projects.models import Project, ProjectState

    now = now or timezone.now()
    projects = (
        Project.objects.filter(
            state__in=[ProjectState.ACTIVE, ProjectState.ON_HOLD, ProjectState.PROPOSED]
        )
        .annotate(last=Max("evidence_snapshots__taken_at"))
        .select_related("org")
    )
    taken = 0
    for project in projects:
        if project.last is None or project.last < now - max_age:
            snapshot_take(project=project, now=now)
            taken += 1
    return taken


def period_default(project, today: date | None = None) -> tuple[date, date]:
    """The week before today (Monday to Sunday): the period a new status update proposes."""
    today = today or selectors.project_today(project)
    start = today - timedelta(days=today.weekday())
    return start, start + timedelta(days=6)
