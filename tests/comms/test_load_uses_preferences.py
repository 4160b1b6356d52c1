"""The load warning uses each person's own maximum when they set one, and a plan row that sends
on a recipient's quiet day is a finding."""

from datetime import UTC, date, datetime

import pytest

from rapport.comms import selectors
from rapport.comms.rules import LoadRow, load_findings, quiet_day_findings
from rapport.stakeholders import services as stakeholders
from tests.comms.factories import party, plan_row

NOW = datetime(2026, 1, 5, 8, tzinfo=UTC)  # a Monday
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


def messages(report) -> list[str]:
    return [f.message for f in report["findings"]]


@pytest.fixture
def daily_detailed(world):
    """The product brief's plan: a daily detailed report to the Business Lead, 5 a week."""
    bea = party(world, "Bea Business-Lead")
    plan_row(world, [bea], comm_type="detailed", rrule=WEEKDAYS, start=date(2026, 1, 5))
    return bea


def test_five_a_week_is_flagged_for_someone_who_asked_for_at_most_three(world, daily_detailed):
    stakeholders.party_preferences_set(actor=world.manager, party=daily_detailed, max_per_week=3)
    report = selectors.load_report(world.acme, project=world.alpha, now=NOW)
    assert messages(report) == [
        "Probably too much: Bea Business-Lead gets 5.0 communications per week "
        "(they asked for at most 3)"
    ]
    assert report["findings"][0].code == "too-many-communications"


def test_someone_without_preferences_still_gets_the_global_threshold(
    world, daily_detailed, settings
):
    settings.RAPPORT_COMMS_LOAD_THRESHOLD = 5
    assert messages(selectors.load_report(world.acme, project=world.alpha, now=NOW)) == []
    settings.RAPPORT_COMMS_LOAD_THRESHOLD = 4
    assert messages(selectors.load_report(world.acme, project=world.alpha, now=NOW)) == [
        "Probably too much: Bea Business-Lead gets 5.0 communications per week (threshold 4)"
    ]


def test_a_higher_own_maximum_lets_someone_get_more_than_the_threshold(world, daily_detailed):
    stakeholders.party_preferences_set(actor=world.manager, party=daily_detailed, max_per_week=10)
    plan_row(world, [daily_detailed], rrule="FREQ=WEEKLY;BYDAY=MO", start=date(2026, 1, 5))
    report = selectors.load_report(world.acme, project=world.alpha, now=NOW)
    assert messages(report) == []  # 6 a week: over the threshold of 5, under her own 10


def test_a_row_sending_on_a_quiet_day_is_a_finding(world):
    sam = party(world, "Sam Saturday")
    plan_row(world, [sam], rrule="FREQ=WEEKLY;BYDAY=MO,SA", start=date(2026, 1, 5))
    assert messages(selectors.load_report(world.acme, project=world.alpha, now=NOW)) == []
    stakeholders.party_preferences_set(actor=world.manager, party=sam, quiet_days=["sat", "sun"])
    report = selectors.load_report(world.acme, project=world.alpha, now=NOW)
    assert [(f.code, f.message) for f in report["findings"]] == [
        (
            "sends-on-quiet-day",
            "The simple progress report reaches Sam Saturday on Saturday, "
            "a day they asked not to be contacted",
        )
    ]


def test_the_plan_page_shows_the_preferences_and_the_findings(world, daily_detailed, client_for):
    stakeholders.party_preferences_set(
        actor=world.manager, party=daily_detailed, max_per_week=3, quiet_days="fri"
    )
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/comms/").content.decode()
    assert "at most 3 a week; not on Friday" in page
    assert "(they asked for at most 3)" in page
    assert "on Friday, a day they asked not to be contacted" in page


def test_the_load_api_gives_the_preferences_as_codes(world, daily_detailed, client_for):
    stakeholders.party_preferences_set(
        actor=world.manager, party=daily_detailed, max_per_week=3, quiet_days=["sun", "sat"]
    )
    body = client_for(world.viewer).get(f"/api/v1/projects/{world.alpha.pk}/comms/load").json()
    (bea,) = [row for row in body["load"] if row["name"] == "Bea Business-Lead"]
    assert bea["max_per_week"] == 3 and bea["quiet_days"] == ["sat", "sun"]
    # A weekday report and a weekend-quiet person: too many, but no quiet-day clash.
    assert [f["code"] for f in body["findings"]] == ["too-many-communications"]


# --- the rules alone ---------------------------------------------------------------------------


def test_at_their_own_maximum_is_fine_and_one_more_is_not():
    assert load_findings({"ann": 3.0}, 5.0, limits={"ann": 3}) == []
    (finding,) = load_findings({"ann": 3.5}, 5.0, limits={"ann": 3})
    assert finding.subject == "ann"


def test_quiet_days_count_on_the_rows_own_wall_clock():
    # 23:30 on Friday in Auckland is 10:30 on Friday in UTC; at 00:30 it would be Saturday there
    # and still Friday in UTC: the row's own clock decides.
    row = LoadRow(
        ("ann",), "FREQ=WEEKLY;BYDAY=FR", datetime(2026, 1, 2, 23, 30), "Pacific/Auckland"
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert quiet_day_findings([("Row", row)], {"ann": {4}}, start=start)  # Friday
    assert quiet_day_findings([("Row", row)], {"ann": {5}}, start=start) == []  # Saturday
    late = LoadRow(
        ("ann",), "FREQ=WEEKLY;BYDAY=SA", datetime(2026, 1, 3, 0, 30), "Pacific/Auckland"
    )
    assert quiet_day_findings([("Row", late)], {"ann": {5}}, start=start)  # Saturday there
