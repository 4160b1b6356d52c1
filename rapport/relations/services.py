"""Every write about interactions: keyword-only, atomic, validated, and in the audit history."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from rapport.lib.audit import acting_as
from rapport.lib.validation import strip_text_fields, validated_save

from .models import Interaction

INTERACTION_FIELDS = (
    "stakeholder",
    "kind",
    "date",
    "team_member",
    "subject",
    "notes",
    "follow_up",
    "follow_up_due",
    "follow_up_done",
)


def _check_team_member(project, user) -> None:
    if user is None:
        return
    if not user.org_memberships.filter(org_id=project.org_id).exists():
        raise ValidationError({"team_member": ["Choose someone in this organisation."]})


def _check_stakeholder(project, stakeholder) -> None:
    if stakeholder is None or stakeholder.project_id != project.pk:
        raise ValidationError({"stakeholder": ["Choose a stakeholder of this project."]})


@transaction.atomic
def interaction_record(
    *,
    actor,
    project,
    stakeholder,
    kind: str,
    date: date,
    subject: str,
    team_member=None,
    notes: str = "",
    follow_up: str = "",
    follow_up_due: date | None = None,
    follow_up_done: bool = False,
) -> Interaction:
    """Record a call, visit, workshop, e-mail or meeting with one of the project's stakeholders,
    with an optional follow-up and its due date."""
    _check_stakeholder(project, stakeholder)
    _check_team_member(project, team_member)
    interaction = Interaction(
        project=project,
        stakeholder=stakeholder,
        team_member=team_member,
        kind=kind,
        date=date,
        **strip_text_fields(
            {
                "subject": subject,
                "notes": notes,
                "follow_up": follow_up,
            }
        ),
        follow_up_due=follow_up_due,
        follow_up_done=follow_up_done,
    )
    with acting_as(actor):
        validated_save(interaction)
    return interaction


@transaction.atomic
def interaction_update(*, actor, interaction: Interaction, **fields) -> Interaction:
    """Change an interaction; only the fields given change."""
    unknown = set(fields) - set(INTERACTION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown interaction fields: {', '.join(sorted(unknown))}")
    project = interaction.project
    interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
    interaction.project = project
    if "stakeholder" in fields:
        _check_stakeholder(project, fields["stakeholder"])
    if "team_member" in fields:
        _check_team_member(project, fields["team_member"])
    for name, value in strip_text_fields(fields).items():
        setattr(interaction, name, value)
    with acting_as(actor):
        validated_save(interaction)
    return interaction


@transaction.atomic
def interaction_delete(*, actor, interaction: Interaction) -> None:
    """Delete an interaction (the history keeps what it said)."""
    with acting_as(actor):
        interaction.delete()
