"""Activities in Chromium: quick add in the RACI with a name and Enter, the new activity on the
timeline, and axe-core on the matrix, the Activities page and the timeline."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from rapport.raci import services
from rapport.raci.models import Activity
from rapport.stakeholders import services as stakeholders
from tests.browser.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def plan(world):
    actor = world.manager
    stakeholders.stakeholder_add(
        actor=actor, project=world.alpha, new_party={"name": "Ann Lee", "kind": "person"}
    )
    phase = services.phase_create(actor=actor, project=world.alpha, name="Build")
    today = dt.date.today()
    build = services.activity_create(
        actor=actor,
        project=world.alpha,
        name="Build the portal",
        phase=phase,
        planned_start=today,
        planned_finish=today + dt.timedelta(days=10),
    )
    # It slipped: the plan now finishes four days after what was first agreed.
    services.activity_update(
        actor=actor, activity=build, planned_finish=today + dt.timedelta(days=14)
    )
    services.activity_create(
        actor=actor,
        project=world.alpha,
        name="Go live",
        phase=phase,
        kind="milestone",
        planned_finish=today + dt.timedelta(days=15),
    )
    return phase


def test_a_pm_adds_an_activity_with_enter_and_sees_it_on_the_timeline(world, sign_in, live_server):
    plan(world)
    page = sign_in(world.contributor)
    page.goto(live_server.url + "/o/acme/p/ALPHA/raci/")
    assert serious_accessibility_violations(page) == []

    page.get_by_label("New activity").fill("Write the runbook")
    page.get_by_label("New activity").press("Enter")
    expect(page.locator(".messages")).to_contain_text("Activity “Write the runbook” added.")
    expect(page.locator("#raci-grid")).to_contain_text("Write the runbook")
    added = Activity.objects.get(project=world.alpha, name="Write the runbook")
    assert added.phase.name == "Build"  # the phase of the last row, where it now shows

    # A name that reads like an existing one is refused beside the box.
    page.get_by_label("New activity").fill("build THE portal")
    page.get_by_label("New activity").press("Enter")
    expect(page.locator("#quick-add-error")).to_contain_text("already has an activity called")
    expect(page.get_by_label("New activity")).to_have_value("build THE portal")
    assert Activity.objects.filter(project=world.alpha).count() == 3

    page.get_by_role("link", name="Timeline").first.click()
    timeline = page.locator("svg.timeline")
    expect(timeline).to_contain_text("Write the runbook")
    expect(timeline).to_contain_text("+4 days")
    expect(page.locator("svg.timeline polygon.milestone")).to_have_count(1)
    assert serious_accessibility_violations(page) == []
    page.get_by_text("The same dates as a table").click()
    expect(page.locator("details.timeline-table table")).to_contain_text("Write the runbook")
    assert serious_accessibility_violations(page) == []


def test_a_pm_changes_dates_and_status_in_the_row(world, sign_in, live_server):
    plan(world)
    build = Activity.objects.get(name="Build the portal")
    page = sign_in(world.contributor)
    page.goto(live_server.url + "/o/acme/p/ALPHA/activities/")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Status of Build the portal", exact=True).select_option("In progress")
    page.get_by_label("Planned finish of Build the portal", exact=True).fill("2020-01-01")
    page.get_by_role("button", name="Save dates and status of Build the portal").click()
    expect(page.locator(f"#activity-{build.pk}")).to_contain_text(
        "The planned finish is before the planned start."
    )
    assert serious_accessibility_violations(page) == []
    build.refresh_from_db()
    assert build.status == "not_started"

    page.get_by_label("Planned finish of Build the portal", exact=True).fill(
        (build.planned_start + dt.timedelta(days=20)).isoformat()
    )
    page.get_by_role("button", name="Save dates and status of Build the portal").click()
    expect(page.locator(".messages")).to_contain_text("“Build the portal” saved.")
    assert page.url.endswith(f"#activity-{build.pk}")
    build.refresh_from_db()
    assert build.status == "in_progress"
    assert build.planned_finish == build.planned_start + dt.timedelta(days=20)
