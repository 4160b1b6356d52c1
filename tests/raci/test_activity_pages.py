"""Activities and phases in the browser: listed phase by phase, added, edited, moved, deleted."""

import pytest

from rapport.raci import services
from rapport.raci.models import Activity, Assignment, Phase
from rapport.stakeholders import services as stakeholders

pytestmark = pytest.mark.django_db

BASE = "/o/acme/p/ALPHA/"


def test_activities_are_listed_phase_by_phase_with_their_dates_and_outcomes(
    world, small, client_for
):
    outcome = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Faster answers"
    )
    services.activity_outcomes_set(
        actor=world.manager, activity=small["activities"]["build"], outcomes=[outcome]
    )
    page = client_for(world.viewer).get(BASE + "activities/").content.decode()
    assert page.index("Build the portal") < page.index("No phase") < page.index("Train users")
    assert "Faster answers" in page
    assert "Add an activity" not in page  # viewers read


def test_a_contributor_adds_an_activity_with_outcomes_in_a_phase(world, small, client_for):
    outcome = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Faster answers"
    )
    client = client_for(world.contributor)
    assert client.get(BASE + f"activities/new/?phase={small['phase'].pk}").status_code == 200
    response = client.post(
        BASE + "activities/new/",
        {
            "name": "Sign off",
            "kind": "decision",
            "phase": small["phase"].pk,
            "status": "not_started",
            "planned_start": "2027-01-01",
            "planned_finish": "2027-01-05",
            "outcomes": [outcome.pk],
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(name="Sign off")
    assert activity.phase == small["phase"] and list(activity.outcomes.all()) == [outcome]
    assert str(activity.baseline_finish) == "2027-01-05"


def test_the_activity_form_shows_service_errors_inline(world, small, client_for):
    response = client_for(world.contributor).post(
        BASE + "activities/new/",
        {
            "name": "Backwards",
            "kind": "task",
            "status": "not_started",
            "planned_start": "2027-01-05",
            "planned_finish": "2027-01-01",
        },
    )
    assert response.status_code == 200
    assert "The planned finish is before the planned start." in response.content.decode()
    assert not Activity.objects.filter(name="Backwards").exists()

    response = client_for(world.contributor).post(
        BASE + "activities/new/", {"name": "train users", "kind": "task", "status": "not_started"}
    )
    assert "ALPHA already has an activity called “Train users”" in response.content.decode()
    assert Activity.objects.filter(name__iexact="train users").count() == 1


def test_an_activity_is_edited_moved_and_deleted_with_its_letters(world, small, client_for):
    build, golive = small["activities"]["build"], small["activities"]["golive"]
    services.raci_assign(
        actor=world.manager, activity=build, party=small["parties"]["ann"], letter="A"
    )
    client = client_for(world.contributor)

    client.post(
        BASE + f"activities/{build.pk}/edit/",
        {
            "name": "Build the new portal",
            "kind": "deliverable",
            "status": "in_progress",
            "phase": "",
        },
    )
    build.refresh_from_db()
    assert (
        build.name == "Build the new portal" and build.phase is None and build.kind == "deliverable"
    )

    client.post(BASE + f"activities/{small['activities']['train'].pk}/move/", {"direction": "up"})
    client.post(BASE + f"activities/{golive.pk}/move/", {"direction": "sideways"})
    order = list(
        Activity.objects.filter(phase=None).order_by("position").values_list("name", flat=True)
    )
    assert order == ["Train users", "Build the new portal"]

    client.post(BASE + f"activities/{build.pk}/delete/")
    assert not Activity.objects.filter(pk=build.pk).exists() and not Assignment.objects.exists()


def test_phases_are_added_renamed_moved_and_deleted_keeping_their_activities(
    world, small, client_for
):
    client = client_for(world.contributor)
    client.post(BASE + "phases/new/", {"name": "Run"})
    run = Phase.objects.get(name="Run")
    assert (
        client.post(BASE + "phases/new/", {"name": "run"}).status_code == 302
    )  # refused with a message
    assert Phase.objects.filter(name__iexact="run").count() == 1
    client.post(BASE + f"phases/{run.pk}/move/", {"direction": "up"})
    assert list(Phase.objects.values_list("name", flat=True)) == ["Run", "Build"]
    client.post(BASE + f"phases/{small['phase'].pk}/edit/", {"name": "Construct"})
    client.post(BASE + f"phases/{small['phase'].pk}/delete/")
    assert not Phase.objects.filter(name="Construct").exists()
    assert Activity.objects.get(pk=small["activities"]["build"].pk).phase is None


def test_ids_of_another_project_are_not_found(world, small, client_for):
    from rapport.projects import services as projects

    beta = projects.project_create(actor=world.owner, org=world.acme, code="BETA", name="Beta")
    elsewhere = services.activity_create(actor=world.owner, project=beta, name="Elsewhere")
    client = client_for(world.owner)
    assert client.get(BASE + f"activities/{elsewhere.pk}/edit/").status_code == 404
    assert client.post(BASE + f"activities/{elsewhere.pk}/delete/").status_code == 404
    assert Activity.objects.filter(pk=elsewhere.pk).exists()
