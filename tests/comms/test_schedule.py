"""What is due when: the scheduler on the project's wall clock (also across daylight saving), and
`rapport comms due --at ISO [--json]`."""

import json
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from rapport.comms import delivery as engine
from rapport.comms.models import Delivery
from tests.comms.factories import party, plan_row, publish


@pytest.fixture
def amsterdam(world):
    world.alpha.time_zone = "Europe/Amsterdam"
    world.alpha.save()
    return world


def test_a_weekly_report_stays_at_nine_local_across_the_spring_daylight_saving_change(
    amsterdam, smtp_server
):
    """Clocks go forward on Sunday 30 March 2025: 09:00 Amsterdam is 08:00 UTC before, 07:00 after."""
    world = amsterdam
    bea = party(world, "Bea Business-Lead")
    publish(world)
    with time_machine.travel(datetime(2025, 3, 20, tzinfo=UTC), tick=False):
        plan_row(world, [bea], rrule="FREQ=WEEKLY;BYDAY=MO", start=date(2025, 3, 17), at=time(9, 0))
    sent = []
    moment = datetime(2025, 3, 21, tzinfo=UTC)
    while moment < datetime(2025, 4, 9, tzinfo=UTC):  # the periodic run, every 30 minutes
        with time_machine.travel(moment, tick=False):
            engine.comms_deliver(snapshots=False)
        moment += timedelta(minutes=30)
    sent = list(Delivery.objects.order_by("occurrence").values_list("occurrence", "sent_at"))
    assert [occurrence for occurrence, _ in sent] == [
        datetime(2025, 3, 24, 8, 0, tzinfo=UTC),  # CET, UTC+1
        datetime(2025, 3, 31, 7, 0, tzinfo=UTC),  # CEST, UTC+2
        datetime(2025, 4, 7, 7, 0, tzinfo=UTC),
    ]
    # Each went out in the first run at or after its time (no earlier, at most one run later).
    for occurrence, sent_at in sent:
        assert timedelta(0) <= sent_at - occurrence <= timedelta(minutes=30)
    assert len(smtp_server.messages) == 3


def test_a_daily_report_at_a_time_that_does_not_exist_on_the_change_day_goes_once(amsterdam):
    """02:30 does not exist on 30 March 2025 in Amsterdam: sent once, at 03:30 CEST (01:30 UTC)."""
    world = amsterdam
    bea = party(world, "Bea Business-Lead")
    with time_machine.travel(datetime(2025, 3, 28, 12, tzinfo=UTC), tick=False):
        plan_row(world, [bea], rrule="FREQ=DAILY", start=date(2025, 3, 28), at=time(2, 30))
    for hour in range(0, 72):
        with time_machine.travel(
            datetime(2025, 3, 29, tzinfo=UTC) + timedelta(hours=hour), tick=False
        ):
            engine.comms_schedule()
    assert list(Delivery.objects.order_by("occurrence").values_list("occurrence", flat=True)) == [
        datetime(2025, 3, 29, 1, 30, tzinfo=UTC),  # CET
        datetime(2025, 3, 30, 1, 30, tzinfo=UTC),  # the gap: 03:30 CEST
        datetime(2025, 3, 31, 0, 30, tzinfo=UTC),  # CEST
    ]


def _due(*args) -> str:
    out = StringIO()
    call_command("comms", "due", *args, stdout=out)
    return out.getvalue()


def test_comms_due_lists_what_is_due_and_sends_nothing(amsterdam, smtp_server):
    world = amsterdam
    bea = party(world, "Bea Business-Lead")
    publish(world)
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        row = plan_row(world, [bea], rrule="FREQ=WEEKLY;BYDAY=MO", comm_type="detailed")
        plan_row(world, [bea], rrule="FREQ=WEEKLY;BYDAY=TU")
    data = json.loads(_due("--at", "2025-03-03T09:00+01:00", "--json"))
    assert data["at"] == "2025-03-03T09:00:00+01:00"
    assert data["due"] == [
        {
            "plan_row": row.pk,
            "project": "acme/ALPHA",
            "communication": "detailed",
            "channel": "email",
            "cadence": "Every week on Monday at 09:00",
            "occurrence": "2025-03-03T08:00:00Z",
            "occurrence_local": "2025-03-03T09:00:00+01:00",
            "recipients": [
                {
                    "party_id": bea.pk,
                    "party": "Bea Business-Lead",
                    "email": "bea.business-lead@customer.example",
                    "key": f"{row.pk}:20250303T080000Z:{bea.pk}",
                    "state": None,
                }
            ],
        }
    ]
    assert not Delivery.objects.exists() and smtp_server.messages == []
    # Once delivered, the listing shows its state.
    with time_machine.travel(datetime(2025, 3, 3, 8, 0, 5, tzinfo=UTC), tick=False):
        engine.comms_schedule()
    assert "Nothing due" in _due("--at", "2025-03-03T08:59+01:00")
    text = _due("--at", "2025-03-04T09:00+01:00")
    assert "acme/ALPHA\t2025-03-04T09:00:00+01:00\tsimple by email\tBea Business-Lead" in text


@pytest.mark.parametrize("bad", ["tomorrow", "2025-03-03T09:00", "2025-13-01T00:00Z"])
def test_comms_due_refuses_a_time_without_a_zone_or_that_is_not_a_time(db, bad):
    with pytest.raises(CommandError, match="--at"):
        _due("--at", bad)


def test_the_api_lists_what_is_due_for_one_project(amsterdam, client_for):
    world = amsterdam
    bea = party(world, "Bea Business-Lead")
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        plan_row(world, [bea])
    client = client_for(world.viewer)
    response = client.get(
        f"/api/v1/projects/{world.alpha.pk}/comms/due", {"at": "2025-03-03T08:00:00Z"}
    )
    assert response.status_code == 200
    assert [item["occurrence"] for item in response.json()["due"]] == ["2025-03-03T08:00:00Z"]
    naive = client.get(
        f"/api/v1/projects/{world.alpha.pk}/comms/due", {"at": "2025-03-03T08:00:00"}
    )
    assert naive.status_code == 400 and "time zone" in naive.json()["message"]
