"""The decision log: what, by whom, when, why, rejected options, and where it came from."""

from datetime import UTC, date, datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from rapport.meetings import selectors, services
from rapport.meetings.models import Decision
from rapport.projects import services as projects


def test_a_decision_links_its_meeting_and_the_log_filters_by_it(world, people):
    meeting = services.meeting_schedule(
        actor=world.manager,
        project=world.alpha,
        title="Steering",
        kind="other",
        starts_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
    )
    decision = services.decision_record(
        actor=world.manager,
        project=world.alpha,
        text="Buy the CRM, do not build it",
        decided_on=date(2026, 11, 2),
        decided_by_stakeholder=people[0],
        why="Cheaper to run",
        rejected_options="Build in-house; extend the old system",
        meeting=meeting,
    )
    services.decision_record(
        actor=world.manager, project=world.alpha, text="Other", decided_on=date(2026, 11, 1)
    )
    assert decision.decider == "Bea Business"
    assert list(selectors.decision_list(world.alpha, meeting_id=meeting.pk)) == [decision]
    assert selectors.decision_list(world.alpha).count() == 2
    services.decision_update(actor=world.manager, decision=decision, why="Cheaper, and sooner")
    assert LogEntry.objects.get_for_model(Decision).filter(object_pk=str(decision.pk)).count() == 2


def test_it_refuses_links_to_another_project(world, people):
    beta = projects.project_create(actor=world.manager, org=world.acme, code="BETA", name="Beta")
    elsewhere = services.meeting_schedule(
        actor=world.manager, project=beta, title="Beta", starts_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor=world.manager,
            project=world.alpha,
            text="X",
            decided_on=date(2026, 1, 1),
            meeting=elsewhere,
        )
    assert "meeting" in error.value.message_dict
    assert not Decision.objects.filter(project=world.alpha).exists()


def test_it_refuses_an_empty_decision(world):
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor=world.manager, project=world.alpha, text="  ", decided_on=date(2026, 1, 1)
        )
    assert "text" in error.value.message_dict
