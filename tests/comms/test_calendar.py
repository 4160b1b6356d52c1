"""iCalendar feeds of the communication schedule behind revocable secret URLs: they parse back
strictly, with the project's time zone, its VTIMEZONE, the recurrence rule and unique stable UIDs."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import rrule as du

from rapport.comms import services
from rapport.comms.models import CalendarFeed
from tests.comms.factories import party, plan_row


@pytest.fixture
def schedule(world):
    world.alpha.time_zone = "Europe/Amsterdam"
    world.alpha.save()
    bea, cy = party(world, "Bea Business-Lead"), party(world, "Cy Sponsor")
    rows = [
        plan_row(
            world, [bea], rrule="FREQ=WEEKLY;BYDAY=MO", start=date(2025, 1, 1), owner=world.manager
        ),
        plan_row(
            world,
            [bea, cy],
            comm_type="meeting",
            channel="meeting",
            rrule="FREQ=WEEKLY;BYDAY=TU",
            at=time(10, 30),
            duration_minutes=45,
            start=date(2025, 1, 1),
            owner=world.manager,
        ),
        plan_row(
            world,
            [cy],
            comm_type="dashboard",
            rrule="FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;UNTIL=20251231",
            start=date(2025, 1, 1),
        ),
    ]
    feed, raw = services.calendar_feed_create(actor=world.manager, project=world.alpha)
    feed.raw_token = raw  # only this test keeps it: the database has its hash
    return world, rows, feed


def strict(body: bytes) -> icalendar.Calendar:
    """Parse and insist every property parsed cleanly and every line obeys RFC 5545's framing."""
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
    calendar = icalendar.Calendar.from_ical(body)
    for component in calendar.walk():
        assert not getattr(component, "errors", []), (component.name, component.errors)
    return calendar


def test_the_project_feed_parses_with_time_zone_recurrence_and_unique_uids(schedule, client):
    world, rows, feed = schedule
    response = client.get(f"/calendar/{feed.raw_token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = strict(response.content)
    assert str(calendar["VERSION"]) == "2.0" and "Rapport" in str(calendar["PRODID"])
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 3 and uids[0] == f"plan-row-{rows[0].pk}@127.0.0.1"
    zones = {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")}
    assert zones == {"Europe/Amsterdam"}
    for event in events:
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        assert event["DTSTAMP"].dt.utcoffset().total_seconds() == 0

    weekly, meeting, dashboard = events
    # The first Monday on or after 1 January 2025, at 09:00 Amsterdam.
    assert weekly["DTSTART"].dt == datetime(2025, 1, 6, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert weekly["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert str(weekly["TRANSP"]) == "TRANSPARENT"
    assert str(meeting["TRANSP"]) == "OPAQUE" and meeting["DURATION"].dt.total_seconds() == 45 * 60
    assert "Status meeting" in str(meeting["SUMMARY"])
    assert "mailto:max.manager@acme.example" in str(meeting["ORGANIZER"])
    # A date UNTIL becomes a UTC time, as RFC 5545 wants with a zoned DTSTART.
    assert b"UNTIL=20251231T225959Z" in dashboard["RRULE"].to_ical()


def test_the_feed_expands_to_nine_local_on_both_sides_of_daylight_saving(schedule, client):
    world, rows, feed = schedule
    event = strict(client.get(f"/calendar/{feed.raw_token}.ics").content).walk("VEVENT")[0]
    start = event["DTSTART"].dt
    recurrence = du.rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    march = recurrence.between(
        datetime(2025, 3, 20, tzinfo=start.tzinfo), datetime(2025, 4, 8, tzinfo=start.tzinfo)
    )
    assert [(m.day, m.hour) for m in march] == [(24, 9), (31, 9), (7, 9)]
    assert [m.utcoffset().total_seconds() / 3600 for m in march] == [1, 2, 2]


def test_uids_are_stable_between_fetches(schedule, client):
    world, rows, feed = schedule
    first = [
        str(e["UID"])
        for e in strict(client.get(f"/calendar/{feed.raw_token}.ics").content).walk("VEVENT")
    ]
    second = [
        str(e["UID"])
        for e in strict(client.get(f"/calendar/{feed.raw_token}.ics").content).walk("VEVENT")
    ]
    assert first == second


def test_a_revoked_or_made_up_feed_is_404(schedule, client, client_for):
    world, rows, feed = schedule
    client_for(world.manager).post(f"/o/acme/p/ALPHA/comms/calendar/{feed.pk}/revoke/")
    client.logout()
    assert client.get(f"/calendar/{feed.raw_token}.ics").status_code == 404
    for token in ("rcal_nothing", "made-up", "rpl_" + "x" * 40):
        assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_personal_feed_has_the_rows_a_person_owns_and_their_projects_meetings(
    schedule, client_for, client
):
    world, rows, feed = schedule
    page = client_for(world.manager).post("/account/calendar/", follow=True)
    assert b"Calendar feed created" in page.content
    mine = shown_address(page)
    assert CalendarFeed.objects.filter(user=world.manager).count() == 1
    client.logout()
    events = strict(client.get(mine).content).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(
        f"plan-row-{r.pk}@127.0.0.1" for r in rows[:2]
    )
    # Vera (viewer) owns nothing but sees her project's status meeting.
    vera = shown_address(client_for(world.viewer).post("/account/calendar/", follow=True))
    client.logout()
    events = strict(client.get(vera).content).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"plan-row-{rows[1].pk}@127.0.0.1"]


def shown_address(page) -> str:
    """The path of the calendar address a page shows (once, right after it was made)."""
    import re

    found = re.search(r"https?://[^/<\s]+(/calendar/rcal_[\w-]+\.ics)", page.content.decode())
    assert found, "no calendar address on the page"
    return found.group(1)


def test_a_new_feed_address_is_shown_once_to_its_maker_and_then_never(schedule, client_for):
    world, rows, feed = schedule
    manager = client_for(world.manager)
    created = manager.post("/o/acme/p/ALPHA/comms/calendar/", follow=True)
    address = shown_address(created)
    assert b"shown only this once" in created.content
    # Not again, not to anyone: the database keeps only its hash.
    for page in (
        manager.get("/o/acme/p/ALPHA/comms/"),
        client_for(world.viewer).get("/o/acme/p/ALPHA/comms/"),
    ):
        assert b"/calendar/rcal_" not in page.content
    assert feed.raw_token.encode() not in manager.get("/o/acme/p/ALPHA/comms/").content
    assert address.split("/")[-1][:-4] not in " ".join(
        CalendarFeed.objects.values_list("token_hash", flat=True)
    )
    assert client_for(world.outsider).get(address).status_code == 200  # it works
