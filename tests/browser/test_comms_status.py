"""The communication plan, honest status and the stakeholder portal, driven in Chromium as a new
user would: plan a report, publish a status (after being told what is missing), preview it for
its reader, and — as that reader, through the personal link — acknowledge and rate it."""

import re

import pytest
from playwright.sync_api import expect

from rapport.comms.models import Feedback, PlanRow
from rapport.status.models import StatusUpdate
from tests.browser.conftest import serious_accessibility_violations
from tests.comms.factories import comms_sample, party, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_plans_a_weekly_report_for_a_customer(world, sign_in, live_server):
    party(world, "Bea Business-Lead")
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/")
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Communication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Communication plan")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Add a communication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a communication")
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Bea Business-Lead").check()
    page.get_by_label("Communication").select_option("detailed")
    page.get_by_label(re.compile(r"^Frequency")).select_option("custom")
    page.get_by_label("Custom rule (iCalendar RRULE)").fill("FREQ=WEEKLY;BYDAY=XX")
    page.get_by_label("Start date").fill("2025-01-06")
    page.get_by_label("Send time").fill("09:00")
    page.get_by_label("Purpose").fill("Everything the business lead needs")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile("bad BYDAY 'XX'"))).to_be_visible()

    page.get_by_label("Custom rule (iCalendar RRULE)").fill("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Added to the communication plan.")).to_be_visible()
    plan = page.get_by_role("table", name="The communication plan")
    expect(plan).to_contain_text("Every other week on Friday at 09:00")
    expect(plan).to_contain_text("Detailed progress report")
    assert PlanRow.objects.get().rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"


def test_a_manager_publishes_a_status_after_saying_what_is_not_going_well_and_previews_it(
    world, sign_in, live_server
):
    bea = party(world, "Bea Business-Lead")
    from tests.comms.factories import plan_row

    plan_row(world, [bea])
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/status/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Write a status update").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a status update")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Overall colour").select_option("amber")
    page.get_by_label("Overall narrative").fill("Requirements done; hosting is late.")
    for dimension in ("Schedule", "Scope", "Cost", "Quality", "Risk"):
        page.get_by_label(re.compile(rf"^{dimension}(?! note)")).select_option(
            "amber" if dimension == "Schedule" else "green"
        )
    page.get_by_label("Progress (%)").fill("30")
    page.get_by_label("What went well").fill("Sales workshops done.")
    page.get_by_label("What is next").fill("Decide on hosting.")
    page.locator("#id_obstacles-0-text").fill("Hosting decision late")
    page.locator("#id_obstacles-0-customers").get_by_label("Bea Business-Lead").check()
    page.get_by_role("button", name="Publish").click()
    # Bad news is required; the problem is listed at the top, with a link to the field.
    expect(page.locator("#errors")).to_contain_text("What is not going well")
    assert not StatusUpdate.objects.exists()

    page.get_by_label("What is not going well").fill("Nothing.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Status published.")).to_be_visible()
    assert StatusUpdate.objects.get().is_published
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="Bea Business-Lead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Preview: Simple progress report for Bea Business-Lead"
    )
    frame = page.locator(".report-frame")
    expect(frame).to_contain_text("What changed for you")
    expect(frame).to_contain_text("Hosting decision late")
    assert serious_accessibility_violations(page) == []


def test_a_stakeholder_opens_the_link_acknowledges_and_rates(world, live_server, page, sign_in):
    comms_sample(world)
    token, delivery = world.comms["token"], world.comms["delivery"]
    page.goto(f"{live_server.url}/portal/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your reports on ALPHA")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)  # no staff navigation
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name=re.compile("Simple progress report of")).click()
    expect(page.locator(".report-frame")).to_contain_text("What we need from you")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("4").check()
    page.get_by_label("Comment (optional)").fill("Clear. More on hosting next time, please.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Thank you: your answer reached the project manager.")).to_be_visible()
    feedback = Feedback.objects.get()
    assert feedback.delivery == delivery and feedback.rating == 4 and feedback.acknowledged_at

    page.get_by_role("link", name="← All your reports").click()
    expect(page.get_by_text("you rated 4/5")).to_be_visible()

    # The PM sees the answer on the plan.
    staff = sign_in(world.manager)
    staff.goto(live_server.url + "/o/acme/p/ALPHA/comms/")
    expect(staff.get_by_role("region", name="What recipients said")).to_contain_text(
        "More on hosting next time"
    )


def test_the_simple_report_e_mail_fits_a_phone_screen(world, page):
    from rapport.comms.delivery import build_message

    comms_sample(world)
    message = build_message(world.comms["delivery"])
    html = next(a.content for a in message.alternatives if a.mimetype == "text/html")
    assert "/portal/rpl_" in html  # the long personal link is in it
    page.set_viewport_size({"width": 375, "height": 812})
    page.set_content(html)
    # Nothing wider than the phone: no sideways scrolling to read a report.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.get_by_role("link", name="Acknowledge and rate this report")).to_be_visible()
    assert serious_accessibility_violations(page) == []


def test_the_board_and_risk_pages_have_no_serious_accessibility_issues(world, sign_in, live_server):
    publish(world, overall="green")
    page = sign_in(world.owner)
    for path in [
        "/o/acme/board/",
        "/o/acme/p/ALPHA/risks/",
        "/o/acme/p/ALPHA/status/settings/",
        "/o/acme/p/ALPHA/comms/deliveries/",
        "/o/acme/comms/load/",
        "/account/calendar/",
    ]:
        page.goto(live_server.url + path)
        assert serious_accessibility_violations(page) == [], path
