"""A report more often than daily is refused unless the organisation allows it (an owner's
setting, on the load page and in the API); status meetings are listed by `comms due` like
reports."""

import json
from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from rapport.accounts import services as accounts
from rapport.comms import rules
from rapport.comms.models import PlanRow
from tests.comms.factories import party, plan_row
from tests.comms.test_plan import form


@pytest.mark.parametrize(
    ("rrule", "per_day"),
    [
        ("FREQ=HOURLY", 24),
        ("FREQ=HOURLY;INTERVAL=5", 5),
        ("FREQ=HOURLY;INTERVAL=24", 1),
        ("FREQ=HOURLY;BYHOUR=9", 1),
        ("FREQ=DAILY;BYHOUR=9,17", 2),
        ("FREQ=DAILY;BYMINUTE=0,30", 2),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", 1),
        ("FREQ=WEEKLY;BYDAY=MO", 1),
    ],
)
def test_the_rule_counts_the_most_sends_in_a_day(rrule, per_day):
    assert rules.sends_per_day(rrule) == per_day
    assert rules.more_often_than_daily(rrule) is (per_day > 1)


def test_an_hourly_report_row_is_refused_and_nothing_is_saved(world):
    bea = party(world, "Bea Business-Lead")
    with pytest.raises(ValidationError) as refused:
        plan_row(world, [bea], rrule="FREQ=HOURLY")
    assert "up to 24 reports a day" in refused.value.message_dict["rrule"][0]
    assert not PlanRow.objects.exists()


def test_twice_a_day_is_refused_on_the_page_with_the_field_named(world, client_for):
    bea = party(world, "Bea Business-Lead")
    page = client_for(world.manager).post(
        "/o/acme/p/ALPHA/comms/new/",
        form(audience_parties=[bea.pk], preset="custom", rrule="FREQ=DAILY;BYHOUR=9,17"),
    )
    assert page.status_code == 200
    assert b"up to 2 reports a day" in page.content
    assert not PlanRow.objects.exists()


def test_the_api_refuses_it_and_an_edit_cannot_sneak_it_in(world, client_for):
    bea = party(world, "Bea Business-Lead")
    client = client_for(world.manager)
    base = f"/api/v1/projects/{world.alpha.pk}/comms/plan"
    refused = client.post(
        base,
        {"audience_party_ids": [bea.pk], "rrule": "FREQ=HOURLY", "start_date": "2025-01-06"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "more often than daily" in refused.json()["fields"]["rrule"][0]
    row = plan_row(world, [bea], rrule="FREQ=DAILY")
    patched = client.patch(
        f"{base}/{row.pk}", {"rrule": "FREQ=HOURLY;INTERVAL=2"}, content_type="application/json"
    )
    assert patched.status_code == 400
    row.refresh_from_db()
    assert row.rrule == "FREQ=DAILY"


def test_an_organisation_that_allows_frequent_reports_accepts_them(world):
    bea = party(world, "Bea Business-Lead")
    accounts.org_settings_set(actor=world.owner, org=world.acme, allow_frequent_reports=True)
    world.alpha.org.refresh_from_db()
    assert plan_row(world, [bea], rrule="FREQ=HOURLY").rrule == "FREQ=HOURLY"


def test_a_status_meeting_twice_a_day_is_not_a_report(world):
    meeting = plan_row(
        world, [], comm_type="meeting", channel="meeting", rrule="FREQ=DAILY;BYHOUR=9,16"
    )
    assert meeting.pk


def test_only_an_owner_changes_the_setting_on_the_page_and_in_the_api(world, client_for):
    page = client_for(world.owner).post(
        "/o/acme/comms/settings/", {"allow_frequent_reports": "on"}, follow=True
    )
    assert b"Reports more often than daily are now allowed" in page.content
    world.acme.refresh_from_db()
    assert world.acme.allow_frequent_reports
    assert client_for(world.manager).post("/o/acme/comms/settings/", {}).status_code == 403

    api = client_for(world.owner).patch(
        "/api/v1/orgs/acme", {"allow_frequent_reports": False}, content_type="application/json"
    )
    assert api.status_code == 200 and api.json()["allow_frequent_reports"] is False
    world.acme.refresh_from_db()
    assert not world.acme.allow_frequent_reports
    member = client_for(world.member).patch(
        "/api/v1/orgs/acme", {"allow_frequent_reports": True}, content_type="application/json"
    )
    assert member.status_code == 403


def test_comms_due_lists_status_meetings_like_reports(world):
    bea = party(world, "Bea Business-Lead")
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        report = plan_row(world, [bea], rrule="FREQ=WEEKLY;BYDAY=MO")
        meeting = plan_row(
            world,
            [bea],
            comm_type="meeting",
            channel="meeting",
            rrule="FREQ=WEEKLY;BYDAY=MO",
            at=time(10, 0),
            start=date(2025, 1, 6),
            duration_minutes=45,
        )
        out = StringIO()
        call_command("comms", "due", "--at", "2025-03-03T10:00Z", "--json", stdout=out)
        text = StringIO()
        call_command("comms", "due", "--at", "2025-03-03T10:00Z", stdout=text)
    due = json.loads(out.getvalue())["due"]
    assert [(d["plan_row"], d["communication"]) for d in due] == [
        (report.pk, "simple"),
        (meeting.pk, "meeting"),
    ]
    listed = due[1]
    assert listed["occurrence"] == "2025-03-03T10:00:00Z"
    assert listed["duration_minutes"] == 45
    assert listed["recipients"][0]["party"] == "Bea Business-Lead"
    assert listed["recipients"][0]["key"] is None  # nothing is delivered for a meeting
    assert "2025-03-03T10:00:00+00:00\tstatus meeting (45 min)\tBea Business-Lead" in (
        text.getvalue()
    )
