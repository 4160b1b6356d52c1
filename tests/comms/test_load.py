"""The communication load per recipient, and the findings about too much and too little."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from rapport.comms.rules import (
    DEFAULT_LOAD_THRESHOLD,
    PRESETS_BY_KEY,
    Finding,
    LoadRow,
    load_findings,
    weekly_load,
)

AMS = "Europe/Amsterdam"
START = datetime(2025, 1, 6, tzinfo=ZoneInfo(AMS))  # a Monday; 26 weeks run to 7 July 2025
ROW_START = datetime(2025, 1, 6, 9)


def row(recipients, key_or_rule, tz=AMS, dtstart=ROW_START):
    rule = PRESETS_BY_KEY[key_or_rule].rrule if key_or_rule in PRESETS_BY_KEY else key_or_rule
    return LoadRow(recipients=tuple(recipients), rule=rule, dtstart_local=dtstart, tz=tz)


@pytest.mark.parametrize(
    ("key", "per_week"),
    [
        ("weekdays", 5.0),
        ("weekly-monday", 1.0),
        ("every-other-friday", 0.5),
        # 3 Feb, 3 Mar, 1 Apr, 1 May, 2 Jun, 1 Jul
        ("monthly-first-business-day", 6 / 26),
        # 31 Jan, 28 Feb, 28 Mar, 25 Apr, 30 May, 27 Jun
        ("monthly-last-friday", 6 / 26),
        # 1 April and 1 July
        ("quarterly", 2 / 26),
    ],
)
def test_each_preset_weighs_what_it_should_per_week(key, per_week):
    assert weekly_load([row(["ann"], key)], start=START) == {"ann": pytest.approx(per_week)}


def test_a_recipient_on_several_rows_gets_their_sum():
    load = weekly_load(
        [row(["ann", "bob"], "weekdays"), row(["ann"], "weekly-monday"), row(["cy"], "quarterly")],
        start=START,
    )
    assert load == {"ann": 6.0, "bob": 5.0, "cy": pytest.approx(2 / 26)}


def test_a_recipient_listed_twice_in_one_row_counts_once():
    assert weekly_load([row(["ann", "ann"], "weekly-monday")], start=START) == {"ann": 1.0}


def test_rows_may_be_plain_tuples_with_a_parsed_or_text_rule():
    rows = [
        (["ann"], PRESETS_BY_KEY["weekly-monday"].rule, ROW_START, AMS),
        ((7,), "FREQ=DAILY", ROW_START, "UTC"),
    ]
    assert weekly_load(rows, start=START) == {"ann": 1.0, 7: 7.0}


def test_a_recipient_whose_rows_have_ended_is_present_with_nothing():
    ended = row(["ann"], "FREQ=WEEKLY;UNTIL=20241231")
    assert weekly_load([ended], start=START) == {"ann": 0.0}


def test_the_window_can_be_shortened():
    assert weekly_load([row(["ann"], "weekdays")], start=START, weeks=8) == {"ann": 5.0}
    assert weekly_load([row(["ann"], "quarterly")], start=START, weeks=8) == {"ann": 0.0}


def test_load_refuses_a_naive_start_and_an_empty_window():
    with pytest.raises(ValueError, match="start must be a time-zone-aware"):
        weekly_load([], start=datetime(2025, 1, 6))
    with pytest.raises(ValueError, match="weeks must be at least 1"):
        weekly_load([], start=START, weeks=0)


def test_load_over_daylight_saving_still_counts_one_send_per_week():
    # 26 weeks from 1 March include the change on 30 March; a Sunday rule at 02:30 too
    load = weekly_load(
        [row(["ann"], "FREQ=WEEKLY;BYDAY=SU", dtstart=datetime(2025, 3, 2, 2, 30))],
        start=datetime(2025, 3, 1, tzinfo=UTC),
    )
    assert load == {"ann": 1.0}


# --- findings ---------------------------------------------------------------------------------


def test_more_than_the_threshold_is_probably_too_much():
    findings = load_findings({"ann": 6.0, "bob": 5.0}, threshold=5)
    assert findings == [
        Finding(
            code="too-many-communications",
            severity="warning",
            message="Probably too much: ann gets 6.0 communications per week (threshold 5)",
            subject="ann",
        )
    ]


def test_exactly_the_threshold_is_fine():
    assert load_findings({"ann": DEFAULT_LOAD_THRESHOLD}) == []


def test_the_heaviest_loaded_comes_first_and_names_are_used_in_messages():
    findings = load_findings({1: 6.0, 2: 11.5, 3: 1.0}, threshold=5, names={2: "Bea Business-Lead"})
    assert [f.subject for f in findings] == [2, 1]
    assert findings[0].message == (
        "Probably too much: Bea Business-Lead gets 11.5 communications per week (threshold 5)"
    )


def test_a_high_interest_customer_who_gets_nothing_is_not_informed():
    findings = load_findings(
        {"ann": 1.0, "bob": 0.0},
        threshold=5,
        high_interest_customers=["ann", "bob", "cy", "cy"],
        names={"cy": "Cy Sponsor"},
    )
    assert [(f.code, f.subject) for f in findings] == [
        ("customer-not-informed", "bob"),
        ("customer-not-informed", "cy"),
    ]
    assert findings[1].severity == "warning"
    assert findings[1].message == (
        "Cy Sponsor is a high-interest customer but gets no communication from the plan"
    )


def test_load_and_findings_work_together():
    load = weekly_load(
        [
            row(["lead"], "weekdays"),
            row(["lead"], "weekly-monday"),
            row(["area-manager"], "weekly-monday"),
        ],
        start=START,
    )
    codes = [(f.code, f.subject) for f in load_findings(load, 5, ["area-manager", "sponsor"])]
    assert codes == [("too-many-communications", "lead"), ("customer-not-informed", "sponsor")]


def test_a_finding_is_a_frozen_value_with_a_plain_dict():
    finding = Finding("customer-not-informed", "warning", "Cy gets nothing", subject=3)
    assert finding.to_dict() == {
        "code": "customer-not-informed",
        "severity": "warning",
        "message": "Cy gets nothing",
        "subject": 3,
    }
    with pytest.raises(AttributeError):
        finding.code = "other"
    with pytest.raises(ValueError, match="severity must be one of error, warning, info"):
        Finding("x", "fatal", "no such severity")


def test_two_sends_on_one_day_count_as_two():
    rule = "FREQ=WEEKLY;BYDAY=MO;BYHOUR=8,16"
    from_midnight = row(["ann"], rule, dtstart=datetime(2025, 1, 6))
    assert weekly_load([from_midnight], start=START, weeks=4) == {"ann": 2.0}
    # started at 09:00, the first Monday's 08:00 send is before the row starts
    assert weekly_load([row(["ann"], rule)], start=START, weeks=4) == {"ann": 1.75}
