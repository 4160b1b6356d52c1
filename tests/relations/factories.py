"""Interactions for tests, made through the services like real ones."""

from datetime import date

from rapport.relations import services
from rapport.stakeholders.models import ProjectStakeholder


def relations_sample(world) -> dict:
    """On ALPHA: a call with the customer (after register_sample), with an open follow-up."""
    stakeholder = ProjectStakeholder.objects.filter(project=world.alpha).order_by("pk").last()
    interaction = services.interaction_record(
        actor=world.manager,
        project=world.alpha,
        stakeholder=stakeholder,
        kind="call",
        date=date(2026, 11, 2),
        team_member=world.manager,
        subject="Training dates",
        follow_up="Send the schedule",
        follow_up_due=date(2026, 11, 9),
    )
    return {"interaction_id": interaction.pk}
