"""Estimates and promises in the real UI: a PM adds activities, enters three-point estimates,
records the sponsor's target, runs the simulation, sees the contingency on its own line and
downloads the explanation for the sponsor; the pages pass axe-core."""

import re
import time
from datetime import date

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from rapport.estimates import services as estimates
from rapport.promises import services as promises
from tests.browser.conftest import serious_accessibility_violations
from tests.estimates.factories import customer, estimated_network, with_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BASE = "/o/acme/p/ALPHA/"


def fill_estimate(page, duration, cost, reason):
    for part, value in zip(("optimistic", "most likely", "pessimistic"), duration, strict=True):
        page.get_by_label(f"Duration, {part} (working days)").fill(str(value))
    for part, value in zip(("optimistic", "most likely", "pessimistic"), cost, strict=True):
        page.get_by_label(f"Cost, {part} (EUR)").fill(str(value))
    page.get_by_label("Reason for the change").fill(reason)


def test_a_pm_estimates_runs_the_simulation_and_downloads_the_explanation(
    world, sign_in, live_server, tmp_path
):
    with_start(world, start=date(2026, 1, 5))
    page = sign_in(world.manager)
    page.goto(live_server.url + BASE)
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Estimates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Estimates")
    expect(page.get_by_text("This project has no activities yet.")).to_be_visible()

    # A new user starts with no activities: add one and estimate it straight away.
    page.get_by_label("New activity").fill("Design")
    page.get_by_role("button", name="Add activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Estimate of Design")
    fill_estimate(page, (5, 8, 14), (4000, 6000, 9000), "Design workshop")
    page.get_by_label("Method").select_option(label="Analogous (a similar past activity)")
    page.get_by_label("Source").fill("The 2024 portal")
    page.get_by_role("button", name="Save estimate").click()
    expect(page.get_by_text("Estimate of Design saved. Saved as version 1.")).to_be_visible()

    page.get_by_label("New activity").fill("Build")
    page.get_by_role("button", name="Add activity").click()
    fill_estimate(page, (10, 15, 30), (20000, 30000, 55000), "Build after design")
    page.get_by_label("Design", exact=True).check()
    page.get_by_role("button", name="Save estimate").click()
    activities = page.get_by_role("region", name="Activities and their estimates")
    expect(activities.get_by_role("row", name=re.compile("^Build"))).to_contain_text("10 / 15 / 30")
    expect(activities.get_by_role("row", name=re.compile("^Build"))).to_contain_text("Design")

    # A wrong range on the sheet is shown next to the number and nothing is saved.
    page.get_by_role("link", name="Enter estimates").click()
    page.get_by_label("Build: duration pessimistic (working days)").fill("12")
    page.get_by_label("Reason for the change").fill("Vendor is faster")
    page.get_by_role("button", name="Save estimates").click()
    expect(
        page.get_by_text("Build: duration pessimistic (12) is less than most likely (15)")
    ).to_be_visible()
    page.get_by_label("Build: duration pessimistic (working days)").fill("40")
    page.get_by_role("button", name="Save estimates").click()
    expect(page.get_by_text("Estimates saved. Saved as version 3.")).to_be_visible()

    # The sponsor's target.
    page.get_by_role("link", name="Sponsor's target").click()
    page.get_by_label("Finish by").fill("2026-02-06")
    page.get_by_label("Budget (EUR)").fill("38000")
    page.get_by_label("Reason for the change").fill("Steering committee: five weeks and 38K")
    page.get_by_role("button", name="Save the target").click()

    # Run the simulation: the contingency is its own line, next to the chance of the target.
    page.get_by_label("Iterations").fill("5000")
    page.get_by_label("Seed").fill("11")
    page.get_by_role("button", name="Run simulation").click()
    expect(page.get_by_text(re.compile(r"Simulated 5,000 times \(seed 11\)"))).to_be_visible()
    lines = page.get_by_role("table", name=re.compile("Base estimate and contingency"))
    expect(lines.get_by_role("row", name=re.compile("^Contingency to reach P80"))).to_contain_text(
        "+"
    )
    expect(lines.get_by_role("row", name=re.compile("^Base estimate"))).to_contain_text(
        "23 working days"
    )
    target = page.get_by_role("region", name="The sponsor's target")
    expect(target.get_by_role("row", name=re.compile("^Finish by 6 Feb 2026"))).to_contain_text("%")
    expect(target.get_by_text(re.compile("take .* out of the scope"))).to_be_visible()
    expect(page.get_by_role("img", name="S-curve: chance of the finish")).to_be_visible()
    expect(
        page.get_by_role("img", name="What drives the spread of the finish (working days)")
    ).to_be_visible()

    # Repeating the run with its seed gives the same result.
    page.get_by_role("button", name="Repeat this run").click()
    expect(page.get_by_text("Repeated with seed 11: the same result.")).to_be_visible()

    # The explanation for the sponsor, as a PDF.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the explanation (PDF)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "ALPHA-how-this-estimate-was-developed.pdf"
    assert saved.read_bytes().startswith(b"%PDF-")

    # The history shows every version with its reason; version 1 can be compared and restored.
    page.get_by_role("link", name="Versions and history").click()
    expect(page.get_by_role("cell", name="Vendor is faster")).to_be_visible()
    page.get_by_label("Compare version").select_option("1")
    page.get_by_label("with version").select_option("3")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 1 compared with version 3")
    expect(page.get_by_role("row", name=re.compile("^Build estimate"))).to_contain_text(
        "10 / 15 / 40"
    )


def test_a_contributor_records_a_promise_and_its_delivery(world, sign_in, live_server):
    customer(world, "Sales team")
    page = sign_in(world.contributor)
    page.goto(live_server.url + BASE + "promises/")
    page.get_by_role("link", name="Record a promise").click()
    page.get_by_label("Promised to").select_option(label="Sales team")
    page.get_by_label("What was promised").fill("Sandbox demo for the reps")
    page.get_by_label("Promised by").fill("2026-01-30")
    page.get_by_label("Made on").fill("2026-01-05")
    page.get_by_label("Where exactly").fill("Weekly status meeting")
    page.get_by_role("button", name="Record the promise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sandbox demo for the reps")
    page.get_by_label("Delivered on").fill("2026-01-28")
    # each radio button sits right before its own words, not adrift in a stretched box
    delivery = page.get_by_role("region", name="Record the delivery")
    for choice in ("Less than promised", "As promised", "More than promised"):
        radio = delivery.get_by_label(choice).bounding_box()
        label = (
            delivery.locator("label")
            .filter(has_text=re.compile(rf"^\s*{choice}\s*$"))
            .bounding_box()
        )
        assert radio["width"] < 30 and radio["x"] + radio["width"] < label["x"] + 40, choice
    page.get_by_label("More than promised").check()
    page.get_by_role("button", name="Record the delivery").click()
    expect(page.get_by_text("Delivery recorded: the promise is kept.")).to_be_visible()
    page.get_by_role("link", name="All promises").click()
    expect(page.get_by_role("region", name="How the promises went")).to_contain_text(
        "1 of 1 closed (100 %)"
    )


def test_clicking_record_twice_records_the_promise_once(world, sign_in, live_server):
    from rapport.promises.models import Commitment

    customer(world, "Sales team")
    page = sign_in(world.contributor)
    page.goto(live_server.url + BASE + "promises/new/")
    page.get_by_label("Promised to").select_option(label="Sales team")
    page.get_by_label("What was promised").fill("Pipeline report")
    page.get_by_label("Promised by").fill("2026-01-30")
    page.get_by_label("Made on").fill("2026-01-05")
    posts = []

    def slow_network(route):
        if route.request.method == "POST":
            posts.append(route.request.url)
            time.sleep(0.5)  # the first request is still on its way when the second click comes
        try:
            route.continue_()
        except PlaywrightError:
            pass  # the browser dropped this request for a newer one

    page.route("**/promises/new/", slow_network)
    # The second click lands 100 ms after the first, as an impatient double click does.
    page.get_by_role("button", name="Record the promise").evaluate(
        "b => { b.form.requestSubmit(b); setTimeout(() => b.form.requestSubmit(b), 100); }"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Pipeline report")
    assert len(posts) == 1
    assert Commitment.objects.filter(project=world.alpha, what="Pipeline report").count() == 1


def test_estimate_and_promise_pages_have_no_serious_accessibility_issues(
    world, sign_in, live_server
):
    with_start(world, start=date(2026, 1, 5))
    made = estimated_network(world)
    estimates.constraint_set(
        actor=world.manager,
        project=world.alpha,
        reason="Ask",
        finish_date=date(2026, 2, 13),
        budget=45000,
    )
    estimates.simulation_run(actor=world.manager, project=world.alpha, iterations=2000, seed=1)
    to = customer(world, "Sales team")
    promise = promises.commitment_create(
        actor=world.manager,
        project=world.alpha,
        party=to.party,
        what="Demo",
        promised_date=date(2026, 1, 30),
        made_on=date(2026, 1, 5),
    )
    promises.expectation_create(
        actor=world.manager,
        project=world.alpha,
        stakeholder=to,
        kind="budget",
        words="Cheap",
        amount=1000,
    )
    page = sign_in(world.owner)
    for path in [
        "estimates/",
        "estimates/sheet/",
        f"estimates/activities/{made['Build'].pk}/",
        "estimates/target/",
        "estimates/versions/",
        "estimates/versions/compare/?from=1&to=5",
        "estimates/versions/1/restore/",
        "promises/",
        "promises/new/",
        f"promises/{promise.pk}/",
        "promises/expectations/",
        "promises/expectations/new/",
    ]:
        page.goto(live_server.url + BASE + path)
        assert serious_accessibility_violations(page) == [], path
