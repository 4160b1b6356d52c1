"""Every write about service-level agreements: keyword-only, atomic, validated, audited."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rapport.lib.audit import acting_as
from rapport.lib.validation import refuse_unknown_fields, strip_text_fields, validated_save

from .models import Agreement, Breach, Obligation

AGREEMENT_FIELDS = ("title", "agreed_on", "active", "notes")
OBLIGATION_FIELDS = ("side", "kind", "target", "description")


@transaction.atomic
def agreement_create(
    *, actor, project, title: str, agreed_on: date, active: bool = True, notes: str = ""
) -> Agreement:
    """Record an agreement between IT and the business on the project."""
    agreement = Agreement(
        project=project,
        agreed_on=agreed_on,
        active=active,
        **strip_text_fields({"title": title, "notes": notes}),
    )
    with acting_as(actor):
        validated_save(agreement)
    return agreement


@transaction.atomic
def agreement_update(*, actor, agreement: Agreement, **fields) -> Agreement:
    """Change an agreement; only the fields given change. Inactive ones are no longer measured."""
    refuse_unknown_fields(fields, AGREEMENT_FIELDS, "agreement")
    project = agreement.project
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    agreement.project = project
    for name, value in strip_text_fields(fields).items():
        setattr(agreement, name, value)
    with acting_as(actor):
        validated_save(agreement)
    return agreement


@transaction.atomic
def obligation_add(
    *, actor, agreement: Agreement, side: str, kind: str, target: int, description: str = ""
) -> Obligation:
    """Add an obligation, on IT's side or the business's, to an agreement."""
    obligation = Obligation(
        agreement=agreement, side=side, kind=kind, target=target, description=description.strip()
    )
    with acting_as(actor):
        validated_save(obligation)
    return obligation


@transaction.atomic
def obligation_update(*, actor, obligation: Obligation, **fields) -> Obligation:
    """Change an obligation; only the fields given change."""
    refuse_unknown_fields(fields, OBLIGATION_FIELDS, "obligation")
    agreement = obligation.agreement
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    obligation.agreement = agreement
    for name, value in strip_text_fields(fields).items():
        setattr(obligation, name, value)
    with acting_as(actor):
        validated_save(obligation)
    return obligation


@transaction.atomic
def obligation_delete(*, actor, obligation: Obligation) -> None:
    """Delete an obligation and the breaches recorded against it (the history keeps them)."""
    with acting_as(actor):
        obligation.delete()


@transaction.atomic
def breach_record(
    *, actor, obligation: Obligation, occurred_on: date, what: str, today: date | None = None
) -> Breach:
    """Record a breach Rapport cannot see by itself (a sign-off that took too long, ...)."""
    if occurred_on > (today or timezone.localdate()):
        raise ValidationError({"occurred_on": ["A breach cannot be in the future."]})
    if not obligation.agreement.active:
        raise ValidationError({"obligation": ["That agreement is no longer active."]})
    breach = Breach(
        obligation=obligation, occurred_on=occurred_on, what=what.strip(), recorded_by=actor
    )
    with acting_as(actor):
        validated_save(breach)
    return breach


@transaction.atomic
def breach_delete(*, actor, breach: Breach) -> None:
    """Delete a recorded breach (the history keeps it)."""
    with acting_as(actor):
        breach.delete()
