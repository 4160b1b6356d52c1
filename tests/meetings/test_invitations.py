"""Invitations: an e-mail per invitee carrying an iCalendar REQUEST a calendar parser reads, sent
over real SMTP once per SEQUENCE; an update keeps the UID and raises the SEQUENCE."""

from datetime import UTC, datetime

import icalendar
import pytest
from django.core.exceptions import ValidationError

from rapport.meetings import invitations, services
from rapport.meetings.models import Invitation
from rapport.projects import services as projects


@pytest.fixture
def berlin(world):
    projects.project_update(actor=world.manager, project=world.alpha, time_zone="Europe/Berlin")
    world.alpha.refresh_from_db()
    return world.alpha


def calendar_of(message) -> icalendar.Calendar:
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert parts, "no text/calendar part"
    assert parts[0].get_param("method") == "REQUEST"
    return icalendar.Calendar.from_ical(parts[0].get_content())


def schedule(world, people):
    return services.meeting_schedule(
        actor=world.manager,
        project=world.alpha,
        title="Weekly status",
        starts_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC),  # 09:00 in Berlin
        location="Room 4",
        agenda="1. Progress\n2. Decisions we need from you",
        invitees=list(people),
    )


def test_the_invitation_is_a_calendar_request_with_time_zone_organiser_and_attendees(
    world, people, berlin, smtp_server, django_capture_on_commit_callbacks
):
    bea, ian, sam = people
    meeting = schedule(world, people)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.meeting_invitations_send(actor=world.manager, meeting=meeting)
    assert sent["without_email"] == ["Sam Sponsor"]
    assert sorted(m["to"][0] for m in smtp_server.messages) == [
        "bea@customer.example",
        "ian@acme.example",
    ]
    calendar = calendar_of(smtp_server.messages[0]["message"])
    assert str(calendar["method"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Berlin" and (start.hour, start.minute) == (9, 0)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(event["organizer"]) == "mailto:max.manager@acme.example"
    assert event["organizer"].params["CN"] == "Max Manager"
    attendees = event.get("attendee")
    assert sorted(str(a) for a in attendees) == [
        "mailto:bea@customer.example",
        "mailto:ian@acme.example",
    ]
    assert "Decisions we need from you" in str(event["description"])
    assert int(event["sequence"]) == 0
    assert str(event["uid"]).startswith(meeting.ics_uid)
    assert "invite.ics" in [p.get_filename() for p in smtp_server.messages[0]["message"].walk()]


def test_an_update_keeps_the_uid_and_raises_the_sequence(
    world, people, berlin, smtp_server, django_capture_on_commit_callbacks
):
    meeting = schedule(world, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(actor=world.manager, meeting=meeting)
    first = calendar_of(smtp_server.messages[0]["message"]).walk("VEVENT")[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            actor=world.manager, meeting=meeting, starts_at=datetime(2026, 11, 2, 9, tzinfo=UTC)
        )
    assert len(smtp_server.messages) == 4  # the update went to both, by itself
    update = calendar_of(smtp_server.messages[-1]["message"]).walk("VEVENT")[0]
    assert str(update["uid"]) == str(first["uid"])
    assert int(update["sequence"]) == 1 > int(first["sequence"])
    assert update.decoded("dtstart").hour == 10
    assert smtp_server.messages[-1]["message"]["Subject"].startswith("Updated invitation")


def test_asking_twice_sends_each_invitation_once(
    world, people, smtp_server, django_capture_on_commit_callbacks
):
    meeting = schedule(world, people)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_invitations_send(actor=world.manager, meeting=meeting)
    assert len(smtp_server.messages) == 2
    assert Invitation.objects.filter(state="sent").count() == 2
    assert Invitation.objects.filter(state="skipped").count() == 1  # Sam has no address


def test_a_refused_connection_is_retried_by_the_periodic_run(
    world, people, settings, smtp_server, django_capture_on_commit_callbacks
):
    from rapport.comms.delivery import comms_deliver

    meeting = schedule(world, people)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(actor=world.manager, meeting=meeting)
    assert set(Invitation.objects.exclude(state="skipped").values_list("state", flat=True)) == {
        "pending"
    }
    settings.EMAIL_PORT = port
    later = datetime(2030, 1, 1, tzinfo=UTC)
    result = comms_deliver(now=later, snapshots=False)
    assert result.outcomes.get("invitation-sent") == 2
    assert len(smtp_server.messages) == 2
    message_ids = {m["message"]["Message-ID"] for m in smtp_server.messages}
    assert message_ids == set(
        Invitation.objects.exclude(message_id="").values_list("message_id", flat=True)
    )


def test_a_meeting_without_invitees_cannot_be_sent(world, people):
    meeting = services.meeting_schedule(
        actor=world.manager,
        project=world.alpha,
        title="Empty",
        starts_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    with pytest.raises(ValidationError):
        services.meeting_invitations_send(actor=world.manager, meeting=meeting)


def test_the_calendar_parses_for_a_meeting_in_utc(world, people):
    meeting = schedule(world, people)
    ics = invitations.meeting_calendar(
        meeting, meeting.invitees.select_related("stakeholder__party")
    )
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("dtend") - event.decoded("dtstart") == meeting.ends_at - meeting.starts_at
