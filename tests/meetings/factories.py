"""Meetings, decisions and actions for tests, made through the services like real ones."""

from datetime import UTC, date, datetime

from rapport.meetings import services
from rapport.stakeholders.models import ProjectStakeholder


def meetings_sample(world) -> dict:
    """On ALPHA (after register_sample): a status meeting with every stakeholder invited, one
    decision and one action from it."""
    stakeholders = list(ProjectStakeholder.objects.filter(project=world.alpha).order_by("pk"))
    meeting = services.meeting_schedule(
        actor=world.manager,
        project=world.alpha,
        title="Weekly status",
        starts_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        agenda="1. Progress\n2. Risks",
        invitees=stakeholders,
    )
    decision = services.decision_record(
        actor=world.manager,
        project=world.alpha,
        text="Go live in two waves",
        decided_on=date(2026, 11, 2),
        decided_by="Steering group",
        meeting=meeting,
    )
    action = services.action_create(
        actor=world.manager,
        project=world.alpha,
        text="Send the wave plan",
        meeting=meeting,
        owner_user=world.manager,
        due=date(2026, 11, 9),
    )
    return {
        "meeting_id": meeting.pk,
        "decision_id": decision.pk,
        "meeting_action_id": action.pk,
        "meeting_invitee_id": meeting.invitees.order_by("pk").first().pk,
    }
