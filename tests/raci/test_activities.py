from datetime import date

import pytest
from django.core.exceptions import ValidationError

from rapport.lib.audit import history_for_project
from rapport.projects import services as projects
from rapport.raci import services
from rapport.raci.models import Activity

pytestmark = pytest.mark.django_db


def test_a_new_activity_keeps_its_first_planned_dates_as_baseline(world):
    activity = services.activity_create(
        actor=world.manager,
        project=world.alpha,
        name="Go-live",
        kind="milestone",
        planned_start=date(2027, 3, 1),
        planned_finish=date(2027, 3, 1),
    )
    services.activity_update(
        actor=world.manager, activity=activity, planned_finish=date(2027, 4, 15)
    )
    activity.refresh_from_db()
    assert activity.baseline_finish == date(2027, 3, 1)
    assert activity.planned_finish == date(2027, 4, 15)


def test_it_refuses_a_finish_before_the_start_and_saves_nothing(world):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            actor=world.manager,
            project=world.alpha,
            name="Backwards",
            planned_start=date(2027, 3, 2),
            planned_finish=date(2027, 3, 1),
        )
    assert "planned_finish" in error.value.message_dict
    assert not Activity.objects.exists()


def test_it_refuses_a_phase_of_another_project(world):
    other = projects.project_create(actor=world.owner, org=world.acme, code="BETA", name="Beta")
    phase = services.phase_create(actor=world.owner, project=other, name="Design")
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            actor=world.manager, project=world.alpha, name="Sketch", phase=phase
        )
    assert "another project" in str(error.value)


def test_activities_are_ordered_in_the_order_they_were_added(world):
    for name in ("Kick-off", "Requirements", "Build"):
        services.activity_create(actor=world.manager, project=world.alpha, name=name)
    assert [a.name for a in world.alpha.activities.all()] == ["Kick-off", "Requirements", "Build"]


def test_activity_changes_appear_in_the_project_history(world):
    activity = services.activity_create(
        actor=world.manager, project=world.alpha, name="Train users"
    )
    services.activity_update(actor=world.contributor, activity=activity, status="in_progress")
    latest = history_for_project(world.alpha.pk).first()
    assert latest.actor == world.contributor
    assert latest.changes_dict["status"] == ["not_started", "in_progress"]


def test_phase_names_are_unique_in_a_project(world):
    services.phase_create(actor=world.manager, project=world.alpha, name="Design")
    with pytest.raises(ValidationError):
        services.phase_create(actor=world.manager, project=world.alpha, name="design")


def test_two_activities_of_a_project_cannot_share_a_name_however_it_is_written(world):
    services.activity_create(actor=world.manager, project=world.alpha, name="Go-live décision")
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=world.manager, project=world.alpha, name="GO-LIVE  decision")
    assert error.value.message_dict["name"] == [
        "ALPHA already has an activity called “Go-live décision”: use another name."
    ]
    assert world.alpha.activities.count() == 1

    other = projects.project_create(actor=world.owner, org=world.acme, code="BETA", name="Beta")
    services.activity_create(actor=world.owner, project=other, name="Go-live decision")  # fine


def test_renaming_an_activity_to_the_name_of_another_is_refused(world):
    services.activity_create(actor=world.manager, project=world.alpha, name="Build")
    test = services.activity_create(actor=world.manager, project=world.alpha, name="Test")
    with pytest.raises(ValidationError):
        services.activity_update(actor=world.manager, activity=test, name=" build ")
    test.refresh_from_db()
    assert test.name == "Test"
    # Its own name in another spelling, and any other field, are fine.
    services.activity_update(actor=world.manager, activity=test, name="TEST", status="done")
    test.refresh_from_db()
    assert (test.name, test.status) == ("TEST", "done")
