"""A project manager schedules the weekly status meeting, invites the business, sends the
invitations, records who came, the minutes, a decision and an action, and sees the business
attendance trend with the prompt for someone who keeps missing it. axe-core checks the meetings
page and the meeting page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.meetings import services
from rapport.meetings.models import Action, Decision, Invitee, Meeting
from rapport.stakeholders import services as stakeholders
from tests.browser.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pm_runs_a_status_meeting_with_the_business_and_sees_the_trend(
    world, sign_in, live_server, smtp_server
):
    bea = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Bea Business", "email": "bea@customer.example"},
        is_customer=True,
        power=4,
        interest=5,
        weighs_in_on="the order-entry screens",
    )
    ian = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Ian IT", "email": "ian@acme.example"},
    )
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/")
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Relationship").click()
    page.get_by_role("navigation", name="Relationship").get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    expect(page.get_by_text("No meetings yet.")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    # Two earlier status meetings Bea missed (made through the services).
    now = timezone.now()
    for weeks in (3, 2):
        earlier = services.meeting_schedule(
            actor=world.manager,
            project=world.alpha,
            title=f"Status, {weeks} weeks ago",
            starts_at=now - timedelta(weeks=weeks),
            invitees=[bea, ian],
        )
        services.attendance_record(
            actor=world.manager,
            meeting=earlier,
            attendance={earlier.invitees.get(stakeholder=bea).pk: "absent"},
        )

    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Title").fill("Weekly status")
    yesterday = timezone.localtime(now - timedelta(days=1))
    page.get_by_label("Starts (project time)").fill(yesterday.strftime("%Y-%m-%dT09:00"))
    page.get_by_label("Agenda").fill("1. Progress\n2. The decisions we need from you")
    page.get_by_label("Bea Business (customer)").check()
    page.get_by_label("Ian IT").check()
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Weekly status")

    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("Invitations sent to")).to_be_visible()
    assert sorted(m["to"][0] for m in smtp_server.messages) == [
        "bea@customer.example",
        "ian@acme.example",
    ]

    page.get_by_role("group", name="Attendance of Bea Business").get_by_label("Apologised").check()
    page.get_by_role("group", name="Attendance of Ian IT").get_by_label("Attended").check()
    page.get_by_role("button", name="Record attendance").click()
    expect(page.get_by_text("Attendance recorded.")).to_be_visible()

    page.get_by_label("Minutes and notes").fill("Bea sent apologies; Ian showed the demo.")
    page.get_by_role("button", name="Save the minutes").click()
    expect(page.get_by_text("Minutes saved.")).to_be_visible()

    page.get_by_role("link", name="Log a decision from this meeting").click()
    page.get_by_label("What was decided").fill("Go live in two waves")
    page.get_by_label("Decided by (someone else, or a group)").fill("Steering group")
    page.get_by_label("Why").fill("Less risk for the call centre")
    page.get_by_label("Options rejected").fill("One big-bang go-live")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Weekly status")
    expect(
        page.get_by_role("region", name="Decisions taken")
        .get_by_text("Go live in two waves", exact=True)
        .first
    ).to_be_visible()

    page.get_by_role("link", name="Agree an action").click()
    page.get_by_label("What to do").fill("Ask Bea which screens she must sign off")
    page.get_by_label("Owner (team)").select_option(label="Max Manager")
    page.get_by_label("Due").fill((now + timedelta(days=7)).strftime("%Y-%m-%d"))
    page.get_by_role("button", name="Agree it").click()
    expect(
        page.get_by_role("region", name="Actions")
        .get_by_text("Ask Bea which screens she must sign off", exact=True)
        .first
    ).to_be_visible()
    assert serious_accessibility_violations(page) == []

    meeting = Meeting.objects.get(title="Weekly status")
    assert meeting.minutes.startswith("Bea sent apologies")
    assert Invitee.objects.get(meeting=meeting, stakeholder=bea).attendance == "apologised"
    assert Decision.objects.get().meeting == meeting and Action.objects.get().meeting == meeting

    page.get_by_role("navigation", name="Relationship").get_by_role("link", name="Meetings").click()
    trend = page.get_by_role("table").filter(has_text="Per meeting")
    expect(trend.get_by_role("row").filter(has_text="Bea Business")).to_contain_text("0 of 3")
    expect(trend.get_by_role("row").filter(has_text="Ian IT")).to_have_count(0)  # IT side
    expect(
        page.get_by_text(re.compile("Ask Bea Business what would make the meeting worth"))
    ).to_be_visible()
    expect(page.get_by_text(re.compile("decisions on the order-entry screens"))).to_be_visible()
    assert serious_accessibility_violations(page) == []

    # The evidence on the status page hears it too.
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Status").click()
    expect(
        page.get_by_text(re.compile("the business missed 3 of 3 invitations")).first
    ).to_be_visible()
