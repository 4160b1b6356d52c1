"""Scores are 1 to 5, in the service and in the database; one pulse per stakeholder and subject."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rapport.satisfaction import services
from rapport.satisfaction.models import Pulse


@pytest.mark.parametrize("score", [0, 6, "4", True, None])
def test_the_service_refuses_a_score_outside_1_to_5(world, people, score):
    with pytest.raises(ValidationError) as error:
        services.pulse_record(
            actor=world.manager, project=world.alpha, stakeholder=people[0], score=score
        )
    assert "score" in error.value.message_dict
    assert not Pulse.objects.exists()


def test_the_database_refuses_a_score_outside_1_to_5(world, people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pulse.objects.create(project=world.alpha, stakeholder=people[0], score=7, source="recorded")


def test_the_database_refuses_two_pulses_about_the_same_call(world, people, call_with_kim):
    Pulse.objects.create(
        project=world.alpha,
        stakeholder=people[0],
        score=3,
        source="portal",
        interaction=call_with_kim,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Pulse.objects.create(
            project=world.alpha,
            stakeholder=people[0],
            score=4,
            source="portal",
            interaction=call_with_kim,
        )


def test_a_second_pulse_recorded_by_the_team_about_the_same_call_is_refused_clearly(
    world, people, call_with_kim
):
    services.pulse_record(
        actor=world.manager,
        project=world.alpha,
        stakeholder=people[0],
        score=3,
        about=call_with_kim,
    )
    with pytest.raises(ValidationError) as error:
        services.pulse_record(
            actor=world.manager,
            project=world.alpha,
            stakeholder=people[0],
            score=5,
            about=call_with_kim,
        )
    assert "already gave a pulse about this" in error.value.message_dict["about"][0]
    assert Pulse.objects.count() == 1


def test_a_pulse_about_someone_elses_call_is_refused(world, people, call_with_kim):
    with pytest.raises(ValidationError) as error:
        services.pulse_record(
            actor=world.manager,
            project=world.alpha,
            stakeholder=people[1],
            score=3,
            about=call_with_kim,
        )
    assert "someone else" in error.value.message_dict["about"][0]
