"""Every write about promises (commitments) and customers' expectations.

Keyword-only and atomic; each validates before it writes and records the change in the audit
history with its actor. A promise's terms change only by renegotiation, which keeps the old terms.
"""

import zoneinfo
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rapport.accounts.access import project_level
from rapport.lib.audit import acting_as
from rapport.lib.validation import field_error, validated_save
from rapport.stakeholders.models import Party, ProjectStakeholder

from . import rules
from .models import (
    Channel,
    Commitment,
    Expectation,
    ExpectationKind,
    PromisePolicy,
    RealismLevel,
    Renegotiation,
)

EXPECTATION_FIELDS = ("kind", "words", "amount", "expected_date", "plan_contradicts", "plan_note")


def project_today(project) -> date:
    """Today in the project's time zone: a promise due "today" in Amsterdam is not overdue yet
    because it is already tomorrow in Tokyo."""
    try:
        zone = zoneinfo.ZoneInfo(project.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    return timezone.localtime(timezone.now(), zone).date()


def _text(value, field: str, *, required: bool = False, limit: int | None = None) -> str:
    text = (value or "").strip() if isinstance(value, str | type(None)) else None
    if text is None:
        raise field_error(field, "Write this as text.")
    if required and not text:
        raise field_error(field, "This is required.")
    if limit and len(text) > limit:
        raise field_error(field, f"At most {limit} characters (this has {len(text)}).")
    return text


def _check_party(project, party) -> None:
    if not isinstance(party, Party):
        raise field_error("party", "Choose the party the promise is made to.")
    if party.org_id != project.org_id:
        raise field_error("party", "That party is in another organisation's register.")


def _check_made_by(project, user) -> None:
    if user is not None and project_level(user, project) == 0:
        raise field_error("made_by", f"{user.display_name} has no role on {project.code}.")


def _open_commitment(commitment: Commitment) -> Commitment:
    locked = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=commitment.pk)
    )
    if locked.is_closed:
        raise ValidationError(
            f"This promise is {locked.get_status_display().lower()} already; "
            "a closed promise stays as it was closed."
        )
    return locked


@transaction.atomic
def commitment_create(
    *,
    actor,
    project,
    party: Party,
    what: str,
    promised_date: date,
    promised_scope: str = "",
    made_by=None,
    made_on: date | None = None,
    channel: str = Channel.MEETING,
    made_where: str = "",
    activity=None,
) -> Commitment:
    """Record a promise to a party. ``made_by`` (default: the actor) is the person who made it;
    ``made_on`` (default: today) and ``channel``/``made_where`` say when and where; ``activity``
    is the milestone or deliverable of the plan that delivers it (its date is checked)."""
    _check_party(project, party)
    if activity is not None and getattr(activity, "project_id", None) != project.pk:
        raise field_error("activity", "Choose a milestone or deliverable of this project's plan.")
    made_by = actor if made_by is None and getattr(actor, "is_authenticated", False) else made_by
    _check_made_by(project, made_by)
    if channel not in Channel.values:
        raise field_error("channel", f"Use one of {', '.join(Channel.values)}.")
    if not isinstance(promised_date, date):
        raise field_error("promised_date", "Give the date promised.")
    commitment = Commitment(
        project=project,
        party=party,
        what=_text(what, "what", required=True, limit=300),
        promised_date=promised_date,
        original_date=promised_date,
        promised_scope=_text(promised_scope, "promised_scope"),
        made_by=made_by,
        made_on=made_on or project_today(project),
        channel=channel,
        made_where=_text(made_where, "made_where", limit=200),
        activity=activity,
    )
    with acting_as(actor):
        return validated_save(commitment)


@transaction.atomic
def commitment_deliver(
    *, actor, commitment: Commitment, delivered_on: date, delivered_scope: str, notes: str = ""
) -> Commitment:
    """Record what was delivered and when: the promise is kept when that is on time with at least
    the promised scope, broken otherwise. Closed promises are not delivered again."""
    commitment = _open_commitment(commitment)
    if delivered_scope not in rules.SCOPES:
        raise field_error(
            "delivered_scope", "Say whether less than, as, or more than promised was delivered."
        )
    if not isinstance(delivered_on, date):
        raise field_error("delivered_on", "Give the date it was delivered.")
    if delivered_on > project_today(commitment.project):
        raise field_error("delivered_on", "A delivery cannot be in the future.")
    commitment.delivered_on = delivered_on
    commitment.delivered_scope = delivered_scope
    commitment.delivery_notes = _text(notes, "notes")
    commitment.status = rules.delivery_status(
        commitment.promised_date, delivered_on, delivered_scope
    )
    commitment.closed_at = timezone.now()
    with acting_as(actor):
        return validated_save(commitment)


@transaction.atomic
def commitment_break(*, actor, commitment: Commitment, reason: str) -> Commitment:
    """Close a promise that will not be delivered, saying why. It counts as broken."""
    commitment = _open_commitment(commitment)
    commitment.broken_reason = _text(reason, "reason", required=True)
    commitment.status = rules.BROKEN
    commitment.closed_at = timezone.now()
    with acting_as(actor):
        return validated_save(commitment)


@transaction.atomic
def commitment_renegotiate(
    *,
    actor,
    commitment: Commitment,
    new_date: date,
    reason: str,
    new_scope: str | None = None,
    agreed_on: date | None = None,
) -> Renegotiation:
    """Agree new terms for an open promise. The old date and scope are kept with the reason; the
    promise is then measured against the new date (and, in the figures, the first one too)."""
    commitment = _open_commitment(commitment)
    reason = _text(reason, "reason", required=True)
    if not isinstance(new_date, date):
        raise field_error("new_date", "Give the newly agreed date.")
    scope = commitment.promised_scope if new_scope is None else _text(new_scope, "new_scope")
    if new_date == commitment.promised_date and scope == commitment.promised_scope:
        raise field_error("new_date", "The new terms are the same as the current ones.")
    if new_date < commitment.made_on:
        raise field_error("new_date", "The new date is before the promise was made.")
    renegotiation = Renegotiation(
        commitment=commitment,
        old_date=commitment.promised_date,
        old_scope=commitment.promised_scope,
        new_date=new_date,
        new_scope=scope,
        reason=reason,
        agreed_on=agreed_on or project_today(commitment.project),
        renegotiated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    commitment.promised_date = new_date
    commitment.promised_scope = scope
    commitment.status = rules.RENEGOTIATED
    with acting_as(actor):
        validated_save(renegotiation)
        validated_save(commitment)
    return renegotiation


# --- expectations ----------------------------------------------------------------------------


def _expectation_fields(fields: dict) -> dict:
    unknown = set(fields) - set(EXPECTATION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown expectation fields: {', '.join(sorted(unknown))}")
    out = dict(fields)
    if "kind" in out and out["kind"] not in ExpectationKind.values:
        raise field_error("kind", f"Use one of {', '.join(ExpectationKind.values)}.")
    if "words" in out:
        out["words"] = _text(out["words"], "words", required=True, limit=2000)
    if "plan_note" in out:
        out["plan_note"] = _text(out["plan_note"], "plan_note", limit=2000)
    if out.get("amount") is not None:
        try:
            out["amount"] = Decimal(str(out["amount"]))
        except ArithmeticError:
            raise field_error("amount", "Give the amount as a number.") from None
        if not out["amount"].is_finite():
            raise field_error("amount", "Give the amount as a number.")
        if out["amount"] < 0:
            raise field_error("amount", "An amount cannot be negative.")
    return out


@transaction.atomic
def expectation_create(
    *, actor, project, stakeholder: ProjectStakeholder, kind: str, words: str, **fields
) -> Expectation:
    """Record a customer's expectation about budget, date, scope or quality."""
    if not isinstance(stakeholder, ProjectStakeholder) or stakeholder.project_id != project.pk:
        raise field_error("stakeholder", "Choose a stakeholder of this project.")
    values = _expectation_fields({"kind": kind, "words": words, **fields})
    expectation = Expectation(
        project=project,
        stakeholder=stakeholder,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    with acting_as(actor):
        return validated_save(expectation)


@transaction.atomic
def expectation_update(*, actor, expectation: Expectation, **fields) -> Expectation:
    """Change an expectation's words, number or date, or the judgement on the plan."""
    values = _expectation_fields(fields)
    expectation = Expectation.objects.select_for_update().get(pk=expectation.pk)
    for name, value in values.items():
        setattr(expectation, name, value)
    with acting_as(actor):
        return validated_save(expectation)


@transaction.atomic
def expectation_delete(*, actor, expectation: Expectation) -> None:
    with acting_as(actor):
        expectation.delete()


@transaction.atomic
def promise_policy_set(*, actor, project, realism_level: int) -> PromisePolicy:
    """Set the project's over-promise threshold: P80 (the default) or P50."""
    if realism_level not in RealismLevel.values:
        raise field_error("realism_level", "Choose P80 or P50.")
    policy = PromisePolicy.objects.select_for_update().filter(project=project).first()
    policy = policy or PromisePolicy(project=project)
    policy.realism_level = realism_level
    with acting_as(actor):
        validated_save(policy)
    return policy
