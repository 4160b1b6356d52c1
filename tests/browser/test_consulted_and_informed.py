"""Consulted and Informed lead somewhere, in Chromium: a PM sees an activity signed off without a
Consulted party's input, records the input, then adds an Informed party to the plan."""

import re
from datetime import date, time

import pytest
from playwright.sync_api import expect

from rapport.comms import services as comms
from rapport.raci import services
from rapport.stakeholders import services as stakeholders
from tests.browser.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pm_records_missing_input_and_puts_an_informed_party_in_the_plan(
    world, sign_in, live_server
):
    actor = world.manager
    ann, finance, ivan = (
        stakeholders.stakeholder_add(
            actor=actor, project=world.alpha, new_party={"name": name, "email": email}
        ).party
        for name, email in (
            ("Ann Lee", "ann@acme.example"),
            ("Finance", "finance@acme.example"),
            ("Ivan Informed", "ivan@acme.example"),
        )
    )
    vendor = services.activity_create(
        actor=actor, project=world.alpha, name="Choose the vendor", kind="decision"
    )
    services.raci_assign_many(
        actor=actor,
        project=world.alpha,
        cells=[(vendor, ann, "A"), (vendor, finance, "C"), (vendor, ivan, "I")],
    )
    services.activity_update(actor=actor, activity=vendor, status="done")
    comms.plan_row_create(
        actor=actor,
        project=world.alpha,
        audience_parties=[ann],
        comm_type="simple",
        channel="email",
        rrule="FREQ=WEEKLY;BYDAY=MO",
        start_date=date(2025, 1, 6),
        send_time=time(9, 0),
    )

    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/activities/")
    expect(page.get_by_text("Signed off without input from Finance")).to_be_visible()
    page.get_by_role("link", name="0 of 1 gave input").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Choose the vendor")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Given on").fill("2025-01-10")
    page.get_by_label("What they said").fill("Fine within budget")
    page.get_by_role("button", name=re.compile("Record")).click()
    expect(page.get_by_text("Input of Finance recorded.")).to_be_visible()
    expect(page.get_by_text("Given 10 Jan 2025")).to_be_visible()
    expect(page.get_by_text("Signed off without input")).to_have_count(0)

    page.goto(live_server.url + "/o/acme/p/ALPHA/comms/")
    informed = page.locator("#informed")
    expect(informed).to_contain_text("Ivan Informed")
    informed.get_by_role("button", name=re.compile("Add")).click()
    expect(page.get_by_text("Ivan Informed now gets the simple progress report.")).to_be_visible()
    expect(page.locator("#informed")).to_contain_text("Everyone Informed in the RACI")
