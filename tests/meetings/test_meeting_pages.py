"""The meeting pages: schedule, invite, record attendance and minutes in one go each, log
decisions and actions from the meeting, and read-only for viewers."""

from datetime import UTC, datetime

from rapport.meetings import services
from rapport.meetings.models import Action, Decision, Meeting

BASE = "/o/acme/p/ALPHA/relationship/"


def test_a_pm_schedules_invites_and_records_a_meeting(world, people, client_for):
    bea, ian, sam = people
    client = client_for(world.contributor)
    response = client.post(
        BASE + "meetings/new/",
        {
            "kind": "status",
            "title": "Weekly status",
            "starts_at": "2026-11-02T09:00",
            "duration_minutes": 30,
            "agenda": "1. Progress",
            "invitees": [bea.pk, ian.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{meeting.pk}/")
    page = client.get(response["Location"])
    assert b"Record attendance" in page.content and b"Send invitations" in page.content
    b, i = meeting.invitees.get(stakeholder=bea), meeting.invitees.get(stakeholder=ian)
    client.post(
        BASE + f"meetings/{meeting.pk}/attendance/",
        {
            f"attendance_{b.pk}": "apologised",
            f"attendance_{i.pk}": "attended",
            f"business_{b.pk}": "on",
        },
    )
    b.refresh_from_db(), i.refresh_from_db()
    assert (b.attendance, b.is_business, i.attendance, i.is_business) == (
        "apologised",
        True,
        "attended",
        False,
    )
    client.post(BASE + f"meetings/{meeting.pk}/minutes/", {"minutes": "Bea sent apologies."})
    meeting.refresh_from_db()
    assert meeting.minutes == "Bea sent apologies."
    response = client.post(
        BASE + f"decisions/new/?meeting={meeting.pk}",
        {
            "text": "Two waves",
            "decided_on": "2026-11-02",
            "decided_by": "Steering",
            "meeting": meeting.pk,
        },
    )
    assert response["Location"].endswith(f"/meetings/{meeting.pk}/")
    assert Decision.objects.get().meeting == meeting
    client.post(
        BASE + f"actions/new/?meeting={meeting.pk}",
        {
            "text": "Ask Bea",
            "owner_user": world.contributor.pk,
            "due": "2026-11-09",
            "meeting": meeting.pk,
            "status": "open",
        },
    )
    assert Action.objects.get().meeting == meeting
    page = client.get(BASE + f"meetings/{meeting.pk}/")
    assert b"Two waves" in page.content and b"Ask Bea" in page.content


def test_the_start_is_read_on_the_project_wall_clock(world, people, client_for):
    from rapport.projects import services as projects

    projects.project_update(actor=world.manager, project=world.alpha, time_zone="America/New_York")
    client = client_for(world.contributor)
    client.post(
        BASE + "meetings/new/",
        {
            "kind": "other",
            "title": "Kick-off",
            "starts_at": "2026-11-02T09:00",
            "duration_minutes": 60,
        },
    )
    assert Meeting.objects.get().starts_at == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def test_bad_input_names_the_field_and_changes_nothing(world, people, client_for):
    client = client_for(world.contributor)
    response = client.post(
        BASE + "meetings/new/",
        {"kind": "status", "title": "", "starts_at": "tomorrow", "duration_minutes": 1},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"title", "starts_at", "duration_minutes"} <= set(form.errors)
    assert not Meeting.objects.exists()


def test_a_viewer_reads_without_forms(world, people, client_for):
    meeting = services.meeting_schedule(
        actor=world.manager,
        project=world.alpha,
        title="Weekly status",
        starts_at=datetime(2026, 11, 2, 8, tzinfo=UTC),
        invitees=list(people),
    )
    client = client_for(world.viewer)
    page = client.get(BASE + f"meetings/{meeting.pk}/")
    assert page.status_code == 200 and b"Record attendance" not in page.content
    assert b"Bea Business" in page.content
    for url in ("meetings/", "decisions/", "actions/"):
        assert client.get(BASE + url).status_code == 200


def test_the_empty_pages_say_what_to_do_next(world, client_for):
    client = client_for(world.manager)
    assert b"Schedule the first status meeting" in client.get(BASE + "meetings/").content
    assert b"No decision logged yet" in client.get(BASE + "decisions/").content
    assert b"No actions yet" in client.get(BASE + "actions/").content


def test_the_meetings_page_prompts_for_someone_who_keeps_missing(world, people, client_for):
    bea, ian, _ = people
    for week, mark in enumerate(["absent", "attended", "absent"]):
        meeting = services.meeting_schedule(
            actor=world.manager,
            project=world.alpha,
            title=f"Status {week}",
            starts_at=datetime(2026, 1, 5 + 7 * week, 9, tzinfo=UTC),
            invitees=[bea, ian],
        )
        services.attendance_record(
            actor=world.manager,
            meeting=meeting,
            attendance={meeting.invitees.get(stakeholder=bea).pk: mark},
        )
    page = client_for(world.viewer).get(BASE + "meetings/").content.decode()
    assert "Ask Bea Business what would make the meeting worth their time" in page
    assert "1 of 3" in page  # Bea attended one of three
