"""The track record and the calibrated forecast in the real UI: a PM whose organisation has
completed projects runs the simulation, reads the calibrated P80 beside the plain one, follows
the link to the track record, checks the chance of a promise; the pages pass axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serious_accessibility_violations
from tests.estimates.factories import estimated_network, with_start
from tests.estimates.history import completed_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pm_sees_the_calibrated_forecast_and_the_track_record(world, sign_in, live_server):
    for n in range(4):
        completed_project(world, f"PAST{n}", overrun=1.4, spent=60000 + 1000 * n, seed=n)
    with_start(world)
    estimated_network(world)
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/estimates/")
    page.get_by_role("button", name="Run simulation", exact=True).click()

    calibrated = page.locator("section.calibrated")
    expect(calibrated).to_contain_text("projects here finished within")
    expect(calibrated).to_contain_text("Calibrated on 4 completed projects")
    assert serious_accessibility_violations(page) == []

    calibrated.get_by_role("link", name="See the track record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp: track record")
    expect(page.get_by_text("Projects here finished within")).to_be_visible()
    expect(page.get_by_role("img", name="Estimate accuracy over time")).to_be_visible()
    assert serious_accessibility_violations(page) == []
