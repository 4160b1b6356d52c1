"""The plan row form shows only the fields that apply: a meeting's length for meetings, the
iCalendar rule only for a custom cadence; the plan says its cadence in words, never as RRULE."""

import re

import pytest
from playwright.sync_api import expect

from tests.comms.factories import party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_meeting_and_custom_rule_fields_appear_only_when_they_apply(world, sign_in, live_server):
    party(world, "Bea Business-Lead")
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/comms/new/")

    length = page.get_by_label("Meeting length (minutes)")
    rule = page.get_by_label("Custom rule (iCalendar RRULE)")
    page.get_by_label("Communication").select_option("simple")
    expect(length).to_be_hidden()
    expect(rule).to_be_hidden()

    page.get_by_label("Communication").select_option("meeting")
    expect(length).to_be_visible()
    page.get_by_label(re.compile(r"^Frequency")).select_option("custom")
    expect(rule).to_be_visible()

    page.get_by_label("Communication").select_option("simple")
    page.get_by_label(re.compile(r"^Frequency")).select_option("every-other-friday")
    page.get_by_label("Bea Business-Lead").check()
    page.get_by_label("Start date").fill("2025-01-06")
    page.get_by_label("Send time").fill("09:00")
    page.get_by_role("button", name="Save").click()

    plan = page.get_by_role("table", name="The communication plan")
    expect(plan).to_contain_text("Every other week on Friday at 09:00")
    expect(plan).not_to_contain_text("FREQ=")
