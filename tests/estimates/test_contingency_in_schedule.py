"""Contingency is a task at the end of the schedule: the activities list shows the estimate's
contingency after the last activity, read-only, besides its own line on the estimate page."""

import pytest

from rapport.estimates import report, services
from rapport.raci.models import Activity
from tests.estimates.factories import estimated_network, with_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def simulated(world):
    with_start(world)
    estimated_network(world)
    return services.simulation_run(actor=world.manager, project=world.alpha, iterations=500, seed=1)


def test_the_contingency_task_runs_from_the_base_finish_to_the_finish_at_confidence(
    world, simulated
):
    task = report.contingency_task(world.alpha)
    page = report.run_report(world.alpha, simulated, with_charts=False)
    assert task["name"] == "Contingency to reach P80"
    assert task["start"] == page.base.date and task["finish"] == page.at_confidence.date
    assert task["days"] == page.contingency.days > 0
    assert task["cost_text"] == page.contingency.cost_text


def test_the_activities_list_ends_with_the_contingency_task(world, simulated, client_for):
    html = client_for(world.viewer).get("/o/acme/p/ALPHA/activities/").content.decode()
    task = report.contingency_task(world.alpha)
    last_activity_row = html.rindex('<tr id="activity-')
    assert html.index("Contingency to reach P80") > last_activity_row  # the end of the schedule
    assert "(read-only)" in html and task["days_text"] in html
    assert f"{task['finish']:%-d %b %Y}" in html
    # It is shown, not stored: no activity was made of it, so nothing can edit it.
    assert not Activity.objects.filter(name__icontains="contingency").exists()


def test_there_is_no_contingency_task_before_a_simulation(world, client_for):
    estimated_network(world)
    assert report.contingency_task(world.alpha) is None
    html = client_for(world.viewer).get("/o/acme/p/ALPHA/activities/").content.decode()
    assert "Contingency to reach" not in html


def test_the_task_follows_the_last_planned_finish_of_the_plan(world, simulated, client_for):
    from datetime import date

    from rapport.raci import services as raci

    golive = Activity.objects.get(project=world.alpha, name="Go-live")
    raci.activity_update(  # a Friday
        actor=world.manager,
        activity=golive,
        planned_start=date(2027, 9, 3),
        planned_finish=date(2027, 9, 3),
    )
    task = report.contingency_task(world.alpha, after=date(2027, 9, 3))
    assert task["start"] == date(2027, 9, 6)  # the next working day, a Monday
    assert (task["finish"] - task["start"]).days >= task["days"] - 1
    html = client_for(world.viewer).get("/o/acme/p/ALPHA/activities/").content.decode()
    assert f"6 Sep 2027 – {task['finish']:%-d %b %Y}" in html
