"""Scheduling a meeting, inviting stakeholders, recording attendance and minutes."""

from datetime import UTC, datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from rapport.meetings import services
from rapport.meetings.models import Invitee, Meeting
from rapport.stakeholders import services as stakeholders

MONDAY_9 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def schedule(world, people, **extra):
    return services.meeting_schedule(
        actor=world.manager,
        project=world.alpha,
        title="Weekly status",
        starts_at=MONDAY_9,
        agenda="1. Progress",
        invitees=list(people),
        **extra,
    )


def test_customers_are_marked_as_the_business_side_by_default(world, people):
    bea, ian, sam = people
    meeting = schedule(world, people)
    marks = {i.stakeholder_id: i.is_business for i in meeting.invitees.all()}
    assert marks == {bea.pk: True, ian.pk: False, sam.pk: True}
    assert meeting.organizer == world.manager and meeting.sequence == 0
    assert meeting.ics_uid.startswith("meeting-")


def test_a_stakeholder_is_invited_once_per_meeting_by_the_database(world, people):
    meeting = schedule(world, people)
    with pytest.raises(IntegrityError):
        Invitee.objects.create(meeting=meeting, stakeholder=people[0])


def test_it_refuses_a_start_without_a_time_zone(world, people):
    with pytest.raises(ValidationError) as error:
        services.meeting_schedule(
            actor=world.manager, project=world.alpha, title="X", starts_at=datetime(2026, 11, 2, 9)
        )
    assert "starts_at" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_it_refuses_stakeholders_of_another_project(world, people):
    from rapport.projects import services as projects

    beta = projects.project_create(actor=world.manager, org=world.acme, code="BETA", name="Beta")
    other = stakeholders.stakeholder_add(
        actor=world.manager, project=beta, new_party={"name": "Olly Other"}
    )
    with pytest.raises(ValidationError) as error:
        schedule(world, [other])
    assert "invitees" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_attendance_is_recorded_for_the_invitees_only_and_in_the_history(world, people):
    meeting = schedule(world, people)
    bea, ian, sam = (meeting.invitees.get(stakeholder=p) for p in people)
    changed = services.attendance_record(
        actor=world.manager,
        meeting=meeting,
        attendance={bea.pk: "attended", ian.pk: "attended", sam.pk: "apologised"},
    )
    assert changed == 3
    assert meeting.invitees.get(pk=sam.pk).attendance == "apologised"
    assert LogEntry.objects.get_for_model(Invitee).filter(actor=world.manager).exists()
    with pytest.raises(ValidationError) as error:
        services.attendance_record(
            actor=world.manager, meeting=meeting, attendance={bea.pk: "late"}
        )
    assert "attendance" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.attendance_record(
            actor=world.manager, meeting=meeting, attendance={10**6: "absent"}
        )
    assert meeting.invitees.get(pk=bea.pk).attendance == "attended"


def test_changing_the_invitees_keeps_the_attendance_of_those_who_stay(world, people):
    bea, ian, sam = people
    meeting = schedule(world, people)
    invitee = meeting.invitees.get(stakeholder=bea)
    services.attendance_record(
        actor=world.manager, meeting=meeting, attendance={invitee.pk: "absent"}
    )
    services.meeting_invitees_set(actor=world.manager, meeting=meeting, stakeholders=[bea, ian])
    assert set(meeting.invitees.values_list("stakeholder_id", flat=True)) == {bea.pk, ian.pk}
    assert meeting.invitees.get(stakeholder=bea).attendance == "absent"
    services.meeting_invitees_set(
        actor=world.manager, meeting=meeting, stakeholders=[bea, ian], business={ian.pk}
    )
    assert {i.stakeholder_id for i in meeting.invitees.filter(is_business=True)} == {ian.pk}


def test_a_change_calendars_show_is_a_new_sequence_and_minutes_are_not(world, people):
    meeting = schedule(world, people)
    meeting = services.meeting_update(actor=world.manager, meeting=meeting, location="Room 4")
    assert meeting.sequence == 1
    meeting = services.meeting_update(actor=world.manager, meeting=meeting, location="Room 4")
    assert meeting.sequence == 1  # nothing changed
    uid = meeting.ics_uid
    meeting = services.minutes_record(actor=world.manager, meeting=meeting, minutes=" Agreed. ")
    meeting.refresh_from_db()
    assert meeting.minutes == "Agreed." and meeting.sequence == 1 and meeting.ics_uid == uid


def test_unknown_fields_are_refused(world, people):
    meeting = schedule(world, people)
    with pytest.raises(ValidationError):
        services.meeting_update(actor=world.manager, meeting=meeting, sequence=9)


def test_a_meeting_from_the_communication_plan_invites_the_rows_audience(world, people):
    from datetime import date, time

    from rapport.comms.models import PlanRow

    bea, ian, sam = people
    row = PlanRow.objects.create(
        project=world.alpha,
        comm_type="meeting",
        channel="meeting",
        rrule="FREQ=WEEKLY;BYDAY=MO",
        start_date=date(2026, 11, 2),
        send_time=time(9, 0),
    )
    row.audience_parties.set([bea.party, sam.party])
    meeting = services.meeting_schedule(
        actor=world.manager,
        project=world.alpha,
        title="Weekly status",
        starts_at=MONDAY_9,
        plan_row=row,
    )
    assert set(meeting.invitees.values_list("stakeholder_id", flat=True)) == {bea.pk, sam.pk}
