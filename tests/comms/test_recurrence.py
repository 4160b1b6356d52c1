"""Cadence as RFC 5545 recurrence rules: parsing, presets, wall-clock occurrences, catch-up, keys.

No database: rapport.comms.rules is pure logic. Expected dates were read off a 2025 calendar and
the UTC offsets checked with zoneinfo (Amsterdam: CET +01:00, CEST +02:00 from 30 March to
26 October 2025; New York: EST -05:00, EDT -04:00 from 9 March to 2 November 2025).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import rrule as du
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.comms.rules import (
    PRESETS,
    PRESETS_BY_KEY,
    Rule,
    catch_up,
    describe,
    due,
    next_occurrences,
    occurrence_key,
    occurrences,
    parse_rule,
)

AMS = "Europe/Amsterdam"
NYC = "America/New_York"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(tz: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz))


def as_local(moments, tz: str) -> list[datetime]:
    return [m.astimezone(ZoneInfo(tz)).replace(tzinfo=None) for m in moments]


# --- parsing ----------------------------------------------------------------------------------


def test_it_parses_a_weekly_rule_into_its_parts():
    rule = parse_rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")
    assert rule.freq == "WEEKLY"
    assert rule.interval == 2
    assert rule.byday == ((0, "FR"),)
    assert rule.text == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"


def test_it_writes_the_same_rule_the_same_way_whatever_the_order_and_case():
    a = parse_rule("rrule:byday=fr,mo;interval=2;freq=weekly;")
    b = parse_rule("FREQ=WEEKLY;BYDAY=MO,FR;INTERVAL=2")
    assert a == b
    assert a.text == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR"
    assert str(a) == a.text


def test_it_drops_a_default_interval_from_the_canonical_text():
    assert parse_rule("FREQ=DAILY;INTERVAL=1").text == "FREQ=DAILY"


def test_it_keeps_positions_count_and_until_in_the_canonical_text():
    assert parse_rule("FREQ=MONTHLY;BYDAY=+2TU,-1FR;COUNT=3").text == (
        "FREQ=MONTHLY;COUNT=3;BYDAY=2TU,-1FR"
    )
    assert parse_rule("FREQ=WEEKLY;UNTIL=20251231T170000Z").until == utc(2025, 12, 31, 17)
    assert parse_rule("FREQ=WEEKLY;UNTIL=20251231").until == date(2025, 12, 31)
    assert parse_rule("FREQ=WEEKLY;UNTIL=20251231T170000").until == datetime(2025, 12, 31, 17)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("RRULE:", "empty"),
        ("FREQ=FORTNIGHTLY", "unknown FREQ 'FORTNIGHTLY'"),
        ("BYDAY=MO", "FREQ is missing"),
        ("FREQ=MINUTELY", "too frequent for a report"),
        ("FREQ=SECONDLY", "too frequent for a report"),
        ("FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6;BYMINUTE=0,15,30,45", "28 sends a day is too frequent"),
        ("FREQ=HOURLY;BYMINUTE=0,30", "too frequent for a report"),
        ("FREQ=WEEKLY;BYDAY=XX", "bad BYDAY 'XX'"),
        ("FREQ=WEEKLY;BYDAY=MONDAY", "bad BYDAY 'MONDAY'"),
        ("FREQ=WEEKLY;BYDAY=1MO", "only MONTHLY and YEARLY"),
        ("FREQ=MONTHLY;BYDAY=0MO", "position must be 1 to 53"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20251231T000000Z", "COUNT and UNTIL cannot be used together"),
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL must be a whole number from 1"),
        ("FREQ=WEEKLY;INTERVAL=-1", "INTERVAL must be a whole number from 1"),
        ("FREQ=WEEKLY;COUNT=many", "COUNT must be a whole number"),
        ("FREQ=WEEKLY;UNTIL=tomorrow", "UNTIL must be a date"),
        ("FREQ=WEEKLY;UNTIL=20250231", "not a real date"),
        ("FREQ=WEEKLY;FOO=1", "unknown part 'FOO'"),
        ("FREQ=WEEKLY;FREQ=DAILY", "FREQ is given twice"),
        ("FREQ=WEEKLY;BYDAY", "'BYDAY' is not NAME=VALUE"),
        ("FREQ=WEEKLY;BYDAY=", "BYDAY has no value"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY must be whole numbers from 1 to 31"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY must be whole numbers"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH must be whole numbers from 1 to 12"),
        ("FREQ=DAILY;BYHOUR=24", "BYHOUR must be whole numbers from 0 to 23"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYYEARDAY=100", "BYYEARDAY cannot be used with FREQ=MONTHLY"),
        ("FREQ=MONTHLY;BYWEEKNO=1", "BYWEEKNO can only be used with FREQ=YEARLY"),
        ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS needs another BY"),
        ("FREQ=WEEKLY;WKST=XX", "WKST must be one of"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never occurs"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "never occurs"),
        ("FREQ=WEEKLY\nDTSTART:20250101T090000", "one line"),
    ],
)
def test_it_refuses_a_bad_rule_and_names_the_problem(text, problem):
    with pytest.raises(ValueError, match=problem.replace("(", r"\(")) as error:
        parse_rule(text)
    assert str(error.value)  # a message a PM can read, never an empty one


def test_it_refuses_a_rule_that_is_not_text():
    with pytest.raises(ValueError, match="text like FREQ=WEEKLY"):
        parse_rule(None)


def test_it_accepts_one_send_an_hour_as_the_most_frequent_cadence():
    assert parse_rule("FREQ=HOURLY").freq == "HOURLY"
    assert parse_rule("FREQ=DAILY;BYHOUR=9,13,17").byhour == (9, 13, 17)


def test_it_accepts_29_february_because_it_does_occur():
    assert parse_rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29").bymonthday == (29,)


def test_icalendar_reads_every_preset_back_as_the_same_rule():
    for preset in PRESETS:
        recur = icalendar.vRecur.from_ical(preset.rule.text)
        event = icalendar.Event()
        event.add("rrule", recur)
        parsed = icalendar.Event.from_ical(event.to_ical())
        # icalendar orders the parts its own way; the rule it carries is the same
        assert parse_rule(parsed["RRULE"].to_ical().decode()) == preset.rule


# --- presets and describe ---------------------------------------------------------------------


def test_every_preset_parses_to_exactly_its_own_rrule():
    assert [p.key for p in PRESETS] == [
        "weekdays",
        "weekly-monday",
        "every-other-friday",
        "monthly-first-business-day",
        "monthly-last-friday",
        "quarterly",
    ]
    for preset in PRESETS:
        assert preset.rule.text == preset.rrule
        assert preset.label
    assert PRESETS_BY_KEY["every-other-friday"].rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"
    assert PRESETS_BY_KEY["weekdays"].rrule == "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
    assert PRESETS_BY_KEY["monthly-first-business-day"].rrule == (
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"
    )


# Row started Monday 6 January 2025 at 09:00 Amsterdam; the next four sends of each preset.
PRESET_DATES = {
    "weekdays": [date(2025, 1, 6), date(2025, 1, 7), date(2025, 1, 8), date(2025, 1, 9)],
    "weekly-monday": [date(2025, 1, 6), date(2025, 1, 13), date(2025, 1, 20), date(2025, 1, 27)],
    # the row's first week holds Friday 10 January; every other week from there
    "every-other-friday": [
        date(2025, 1, 10),
        date(2025, 1, 24),
        date(2025, 2, 7),
        date(2025, 2, 21),
    ],
    # 1 January is before the start; 1 February and 1 March 2025 are Saturdays
    "monthly-first-business-day": [
        date(2025, 2, 3),
        date(2025, 3, 3),
        date(2025, 4, 1),
        date(2025, 5, 1),
    ],
    "monthly-last-friday": [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 28),
        date(2025, 4, 25),
    ],
    "quarterly": [date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1)],
}


@pytest.mark.parametrize("key", list(PRESET_DATES))
def test_each_preset_sends_on_the_known_dates_at_nine_local(key):
    found = next_occurrences(
        PRESETS_BY_KEY[key].rule,
        dtstart_local=datetime(2025, 1, 6, 9),
        tz=AMS,
        after=local(AMS, 2025, 1, 6),
        limit=4,
    )
    assert [m.date() for m in as_local(found, AMS)] == PRESET_DATES[key]
    assert {m.time() for m in as_local(found, AMS)} == {time(9)}
    assert all(m.tzinfo is UTC for m in found)


def test_the_presets_read_as_plain_english():
    at = time(9)
    said = {p.key: describe(p.rule, at) for p in PRESETS}
    assert said == {
        "weekdays": "Every weekday (Monday to Friday) at 09:00",
        "weekly-monday": "Every week on Monday at 09:00",
        "every-other-friday": "Every other week on Friday at 09:00",
        "monthly-first-business-day": (
            "Every month on the first business day (Monday to Friday) at 09:00"
        ),
        "monthly-last-friday": "Every month on the last Friday at 09:00",
        "quarterly": (
            "Every quarter (January, April, July and October) on the first business day "
            "(Monday to Friday) at 09:00"
        ),
    }


@pytest.mark.parametrize(
    ("text", "at", "sentence"),
    [
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", time(9), "Every other week on Friday at 09:00"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TH", None, "Every 3 weeks on Monday and Thursday"),
        ("FREQ=DAILY", time(8, 30), "Every day at 08:30"),
        ("FREQ=DAILY;BYDAY=MO,WE,FR", time(9), "Every Monday, Wednesday and Friday at 09:00"),
        ("FREQ=DAILY;BYHOUR=9,15", time(0, 30), "Every day at 09:30 and 15:30"),
        (
            "FREQ=MONTHLY;BYMONTHDAY=1,15,-1",
            None,
            "Every month on the 1st, the 15th and the last day",
        ),
        (
            "FREQ=MONTHLY;BYDAY=2TU,-1FR;COUNT=3",
            None,
            "Every month on the second Tuesday and the last Friday, 3 times",
        ),
        ("FREQ=MONTHLY;BYDAY=-2MO", None, "Every month on the second-to-last Monday"),
        (
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31",
            time(17),
            "Every year in March on the 31st at 17:00",
        ),
        (
            "FREQ=HOURLY;INTERVAL=2;BYMINUTE=30",
            None,
            "Every other hour at 30 minutes past the hour",
        ),
        (
            "FREQ=WEEKLY;BYDAY=MO;UNTIL=20251231T170000Z",
            None,
            "Every week on Monday, until 2025-12-31 17:00 UTC",
        ),
        ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20251231", None, "Every week on Monday, until 2025-12-31"),
        ("FREQ=WEEKLY;BYDAY=MO;BYMONTH=1,7", None, "Every week on Monday in January and July"),
        ("FREQ=DAILY;BYMONTH=12", time(9), "Every day in December at 09:00"),
        (
            "FREQ=YEARLY;BYYEARDAY=100,-1",
            None,
            "Every year on day 100 and the last day of the year",
        ),
        ("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO", None, "Every year in week 1 on every Monday"),
    ],
)
def test_it_describes_a_rule_in_plain_english(text, at, sentence):
    assert describe(text, at) == sentence


def test_it_takes_the_day_from_the_start_when_the_rule_has_none():
    assert describe("FREQ=MONTHLY", datetime(2025, 3, 15, 9)) == "Every month on the 15th at 09:00"
    assert describe("FREQ=WEEKLY;INTERVAL=2", datetime(2025, 3, 14, 9)) == (
        "Every other week on Friday at 09:00"
    )


def test_it_shows_the_raw_rule_for_what_it_cannot_phrase():
    sentence = describe("FREQ=MONTHLY;BYMONTHDAY=1,2;BYSETPOS=-1")
    assert sentence.endswith("(rule: FREQ=MONTHLY;BYMONTHDAY=1,2;BYSETPOS=-1)")


# --- occurrences across daylight saving -------------------------------------------------------


def test_nine_oclock_amsterdam_stays_nine_oclock_across_both_changes_of_2025():
    rule = parse_rule("FREQ=WEEKLY;BYDAY=SU")  # the changes fall on Sundays
    start_local = datetime(2025, 3, 23, 9)
    spring = occurrences(
        rule, dtstart_local=start_local, tz=AMS, start=utc(2025, 3, 22), end=utc(2025, 4, 1)
    )
    autumn = occurrences(
        rule, dtstart_local=start_local, tz=AMS, start=utc(2025, 10, 18), end=utc(2025, 10, 28)
    )
    # before 30 March CET (+1), from 30 March to 26 October CEST (+2), then CET again
    assert spring == [utc(2025, 3, 23, 8), utc(2025, 3, 30, 7)]
    assert autumn == [utc(2025, 10, 19, 7), utc(2025, 10, 26, 8)]
    for moment in spring + autumn:
        assert moment.astimezone(ZoneInfo(AMS)).time() == time(9)
    offsets = [m.astimezone(ZoneInfo(AMS)).utcoffset() for m in spring + autumn]
    assert offsets == [
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=2),
        timedelta(hours=1),
    ]


def test_nine_oclock_new_york_stays_nine_oclock_across_its_own_dates():
    rule = parse_rule("FREQ=WEEKLY;BYDAY=SU")
    start_local = datetime(2025, 1, 5, 9)
    found = occurrences(
        rule, dtstart_local=start_local, tz=NYC, start=utc(2025, 3, 1), end=utc(2025, 3, 11)
    ) + occurrences(
        rule, dtstart_local=start_local, tz=NYC, start=utc(2025, 10, 25), end=utc(2025, 11, 4)
    )
    # EST is -5, EDT is -4: 9 March and 2 November 2025 are the change days
    assert found == [
        utc(2025, 3, 2, 14),
        utc(2025, 3, 9, 13),
        utc(2025, 10, 26, 13),
        utc(2025, 11, 2, 14),
    ]
    assert {m.astimezone(ZoneInfo(NYC)).time() for m in found} == {time(9)}


def test_a_time_in_the_spring_gap_is_sent_once_shifted_forward_by_the_gap():
    rule = parse_rule("FREQ=DAILY")
    found = occurrences(
        rule,
        dtstart_local=datetime(2025, 3, 1, 2, 30),
        tz=AMS,
        start=utc(2025, 3, 29),
        end=utc(2025, 4, 1),
    )
    # 02:30 on 30 March does not exist in Amsterdam: it goes out at 03:30 CEST (01:30 UTC)
    assert found == [utc(2025, 3, 29, 1, 30), utc(2025, 3, 30, 1, 30), utc(2025, 3, 31, 0, 30)]
    assert found[1].astimezone(ZoneInfo(AMS)).time() == time(3, 30)


def test_a_time_in_the_autumn_overlap_is_sent_once_at_its_first_instance():
    rule = parse_rule("FREQ=DAILY")
    found = occurrences(
        rule,
        dtstart_local=datetime(2025, 10, 1, 2, 30),
        tz=AMS,
        start=utc(2025, 10, 25),
        end=utc(2025, 10, 28),
    )
    # 02:30 on 26 October happens twice; the first one is still summer time (00:30 UTC)
    assert found == [utc(2025, 10, 25, 0, 30), utc(2025, 10, 26, 0, 30), utc(2025, 10, 27, 1, 30)]
    assert found[1].astimezone(ZoneInfo(AMS)).utcoffset() == timedelta(hours=2)


def test_new_york_gap_and_overlap_follow_the_same_policy():
    gap = occurrences(
        "FREQ=DAILY",
        dtstart_local=datetime(2025, 3, 1, 2, 30),
        tz=NYC,
        start=utc(2025, 3, 9),
        end=utc(2025, 3, 10),
    )
    overlap = occurrences(
        "FREQ=DAILY",
        dtstart_local=datetime(2025, 10, 1, 1, 30),
        tz=NYC,
        start=utc(2025, 11, 2),
        end=utc(2025, 11, 3),
    )
    assert gap == [utc(2025, 3, 9, 7, 30)]  # 03:30 EDT
    assert overlap == [utc(2025, 11, 2, 5, 30)]  # the first 01:30, still EDT


def test_two_local_times_landing_on_one_instant_are_one_occurrence():
    # 02:30 (in the gap) and 03:30 CEST are the same instant on 30 March
    found = occurrences(
        "FREQ=DAILY;BYHOUR=2,3;BYMINUTE=30",
        dtstart_local=datetime(2025, 3, 1),
        tz=AMS,
        start=local(AMS, 2025, 3, 30),
        end=local(AMS, 2025, 3, 31),
    )
    assert found == [utc(2025, 3, 30, 1, 30)]


def test_an_hourly_rule_counts_wall_clock_hours_on_change_days():
    def day(d):
        return occurrences(
            "FREQ=HOURLY",
            dtstart_local=datetime(2025, 1, 1),
            tz=AMS,
            start=local(AMS, *d),
            end=local(AMS, *d) + timedelta(days=1),
        )

    spring, autumn = day((2025, 3, 30)), day((2025, 10, 26))
    assert len(spring) == 23
    assert len(set(spring)) == 23
    assert len(autumn) == 24  # 02:00-02:59 is sent once, not twice


def test_the_window_includes_its_start_and_excludes_its_end():
    rule = parse_rule("FREQ=DAILY")
    kwargs = {"dtstart_local": datetime(2025, 1, 1, 9), "tz": "UTC"}
    found = occurrences(rule, start=utc(2025, 1, 2, 9), end=utc(2025, 1, 4, 9), **kwargs)
    assert found == [utc(2025, 1, 2, 9), utc(2025, 1, 3, 9)]
    assert occurrences(rule, start=utc(2025, 1, 4, 9), end=utc(2025, 1, 2, 9), **kwargs) == []


def test_nothing_occurs_before_the_row_starts():
    found = occurrences(
        "FREQ=DAILY",
        dtstart_local=datetime(2025, 1, 10, 9),
        tz="UTC",
        start=utc(2025, 1, 1),
        end=utc(2025, 1, 12),
    )
    assert found == [utc(2025, 1, 10, 9), utc(2025, 1, 11, 9)]


def test_count_counts_from_the_row_start_and_until_ends_the_rule():
    counted = occurrences(
        "FREQ=WEEKLY;COUNT=3",
        dtstart_local=datetime(2025, 1, 6, 9),
        tz="UTC",
        start=utc(2025, 1, 10),
        end=utc(2025, 3, 1),
    )
    assert counted == [utc(2025, 1, 13, 9), utc(2025, 1, 20, 9)]
    kwargs = {
        "dtstart_local": datetime(2025, 1, 6, 9),
        "tz": AMS,
        "start": utc(2025, 1, 1),
        "end": utc(2025, 2, 1),
    }
    by_date = occurrences("FREQ=WEEKLY;UNTIL=20250120", **kwargs)
    by_utc = occurrences("FREQ=WEEKLY;UNTIL=20250120T080000Z", **kwargs)
    by_local = occurrences("FREQ=WEEKLY;UNTIL=20250120T085959", **kwargs)
    assert by_date == by_utc == [utc(2025, 1, 6, 8), utc(2025, 1, 13, 8), utc(2025, 1, 20, 8)]
    assert by_local == [utc(2025, 1, 6, 8), utc(2025, 1, 13, 8)]


def test_a_row_started_long_ago_gives_the_same_dates_as_one_started_recently():
    # 9 January 2004 and 10 January 2025 are 1096 weeks apart: the same every-other-Friday phase.
    window = {"tz": AMS, "start": utc(2025, 6, 1), "end": utc(2025, 9, 1)}
    old = occurrences(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", dtstart_local=datetime(2004, 1, 9, 9), **window
    )
    new = occurrences(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", dtstart_local=datetime(2025, 1, 10, 9), **window
    )
    assert old == new
    assert [m.date() for m in as_local(old, AMS)] == [
        date(2025, 6, 13),
        date(2025, 6, 27),
        date(2025, 7, 11),
        date(2025, 7, 25),
        date(2025, 8, 8),
        date(2025, 8, 22),
    ]


def test_a_rule_that_never_occurs_for_this_start_gives_nothing_and_returns():
    # February every other month, counted from January: never. dateutil alone would search
    # up to the year 9999 before saying so.
    kwargs = {"dtstart_local": datetime(2025, 1, 15, 9), "tz": AMS}
    rule = "FREQ=MONTHLY;INTERVAL=2;BYMONTH=2"
    assert occurrences(rule, start=utc(2025, 1, 1), end=utc(2030, 1, 1), **kwargs) == []
    assert next_occurrences(rule, after=utc(2025, 1, 1), **kwargs) == []
    assert (
        next_occurrences(
            "FREQ=DAILY;INTERVAL=7;BYDAY=TU",
            dtstart_local=datetime(2025, 1, 6),
            tz=AMS,
            after=utc(2025, 1, 1),
        )
        == []
    )


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"dtstart_local": datetime(2025, 1, 1, 9, tzinfo=UTC)}, "dtstart_local must be a naive"),
        ({"start": datetime(2025, 1, 1)}, "start must be a time-zone-aware"),
        ({"end": datetime(2025, 2, 1)}, "end must be a time-zone-aware"),
        ({"tz": "Mars/Olympus_Mons"}, "unknown time zone 'Mars/Olympus_Mons'"),
        ({"tz": "../../etc/passwd"}, "unknown time zone"),
        ({"tz": ""}, "a time zone is required"),
    ],
)
def test_occurrences_refuse_ambiguous_times_and_unknown_zones(kwargs, problem):
    arguments = {
        "dtstart_local": datetime(2025, 1, 1, 9),
        "tz": AMS,
        "start": utc(2025, 1, 1),
        "end": utc(2025, 2, 1),
    } | kwargs
    with pytest.raises(ValueError, match=problem):
        occurrences("FREQ=DAILY", **arguments)


def test_a_rule_given_as_text_is_parsed_and_checked():
    with pytest.raises(ValueError, match="too frequent"):
        occurrences(
            "FREQ=MINUTELY",
            dtstart_local=datetime(2025, 1, 1),
            tz=AMS,
            start=utc(2025, 1, 1),
            end=utc(2025, 1, 2),
        )


RULE_PARTS = st.fixed_dictionaries(
    {
        "freq": st.sampled_from(["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"]),
        "interval": st.integers(1, 3),
        "days": st.lists(
            st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), max_size=3, unique=True
        ),
        "monthday": st.none() | st.integers(1, 28) | st.integers(-7, -1),
        "setpos": st.none() | st.sampled_from([1, 2, -1]),
        "hour": st.none() | st.integers(0, 23),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=RULE_PARTS,
    dtstart=st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2024, 12, 31)),
    offset_days=st.integers(0, 600),
)
def test_moving_an_old_start_forward_never_changes_an_occurrence(parts, dtstart, offset_days):
    """Our shortcut for old start dates against plain dateutil walking from the real start."""
    text = f"FREQ={parts['freq']};INTERVAL={parts['interval']}"
    if parts["days"]:
        text += ";BYDAY=" + ",".join(parts["days"])
    if parts["monthday"] is not None and parts["freq"] in ("MONTHLY", "YEARLY"):
        text += f";BYMONTHDAY={parts['monthday']}"
    if parts["setpos"] is not None and (parts["days"] or "BYMONTHDAY" in text):
        text += f";BYSETPOS={parts['setpos']}"
    if parts["hour"] is not None and parts["freq"] != "HOURLY":
        text += f";BYHOUR={parts['hour']}"
    try:
        rule = parse_rule(text)
    except ValueError:
        return  # a combination the rules refuse; that is tested elsewhere
    dtstart = dtstart.replace(microsecond=0)
    low = datetime(2025, 1, 1) + timedelta(days=offset_days)
    high = low + timedelta(days=40 if rule.freq != "YEARLY" else 800)
    ours = occurrences(
        rule,
        dtstart_local=dtstart,
        tz="UTC",
        start=low.replace(tzinfo=UTC),
        end=high.replace(tzinfo=UTC),
    )
    plain = du.rrulestr(rule.text, dtstart=dtstart).between(low, high, inc=True)
    assert [m.replace(tzinfo=None) for m in ours] == [m for m in plain if m < high]


# --- due: catching up without duplicates ------------------------------------------------------

WEEKLY_NINE = {"dtstart_local": datetime(2025, 1, 6, 9), "tz": AMS}  # Mondays 09:00 Amsterdam


def test_a_send_exactly_at_now_is_due():
    assert due(
        "FREQ=WEEKLY", last_run=utc(2025, 1, 13, 7), now=utc(2025, 1, 13, 8), **WEEKLY_NINE
    ) == [utc(2025, 1, 13, 8)]


def test_nothing_is_due_between_sends():
    assert (
        due("FREQ=WEEKLY", last_run=utc(2025, 1, 13, 8), now=utc(2025, 1, 15), **WEEKLY_NINE) == []
    )


def test_after_three_missed_weeks_only_the_latest_is_sent_and_the_rest_skipped():
    result = catch_up(
        "FREQ=WEEKLY", last_run=utc(2025, 1, 13, 8), now=utc(2025, 2, 4), **WEEKLY_NINE
    )
    assert result.due == [utc(2025, 2, 3, 8)]
    assert result.skipped == [utc(2025, 1, 20, 8), utc(2025, 1, 27, 8)]
    assert result.handled_through == utc(2025, 2, 4)


def test_keep_sends_more_of_the_latest_missed_ones():
    result = catch_up(
        "FREQ=WEEKLY", last_run=utc(2025, 1, 13, 8), now=utc(2025, 2, 4), keep=2, **WEEKLY_NINE
    )
    assert result.due == [utc(2025, 1, 27, 8), utc(2025, 2, 3, 8)]
    assert result.skipped == [utc(2025, 1, 20, 8)]
    with pytest.raises(ValueError, match="keep"):
        catch_up("FREQ=WEEKLY", last_run=None, now=utc(2025, 2, 4), keep=0, **WEEKLY_NINE)


def test_a_send_later_than_max_lateness_is_skipped_not_sent():
    result = catch_up(
        "FREQ=WEEKLY",
        last_run=utc(2025, 1, 13, 8),
        now=utc(2025, 1, 25),
        max_lateness=timedelta(days=2),
        **WEEKLY_NINE,
    )
    assert result.due == []
    assert result.skipped == [utc(2025, 1, 20, 8)]


def test_a_row_that_never_ran_catches_up_from_its_start():
    result = catch_up("FREQ=WEEKLY", last_run=None, now=utc(2025, 1, 21), **WEEKLY_NINE)
    assert result.due == [utc(2025, 1, 20, 8)]
    assert result.skipped == [utc(2025, 1, 6, 8), utc(2025, 1, 13, 8)]


def test_a_clock_running_behind_the_last_run_sends_nothing_and_keeps_the_last_run():
    result = catch_up("FREQ=WEEKLY", last_run=utc(2025, 2, 1), now=utc(2025, 1, 1), **WEEKLY_NINE)
    assert result.due == result.skipped == []
    assert result.handled_through == utc(2025, 2, 1)


def test_due_refuses_a_naive_now():
    with pytest.raises(ValueError, match="now must be a time-zone-aware"):
        due("FREQ=WEEKLY", last_run=None, now=datetime(2025, 1, 1), **WEEKLY_NINE)


BASE = utc(2025, 3, 20)


@settings(max_examples=120, deadline=None)
@given(
    key=st.sampled_from([*PRESETS_BY_KEY, "hourly", "daily-gap"]),
    minutes=st.lists(st.integers(0, 60 * 24 * 60), min_size=1, max_size=25),
    never_ran=st.booleans(),
    keep=st.integers(1, 3),
)
def test_due_never_returns_an_occurrence_twice_across_successive_calls(
    key, minutes, never_ran, keep
):
    rule = {"hourly": "FREQ=HOURLY;INTERVAL=5", "daily-gap": "FREQ=DAILY"}.get(
        key
    ) or PRESETS_BY_KEY[key].rrule
    dtstart_local = datetime(2025, 3, 1, 2, 30) if key == "daily-gap" else datetime(2025, 3, 3, 9)
    row = {"dtstart_local": dtstart_local, "tz": AMS}
    last_run = None if never_ran else BASE
    first = last_run
    sent, skipped, seen = [], [], set()
    # a scheduler woken at random times, out of order, sometimes twice at the same instant
    for now in (BASE + timedelta(minutes=m) for m in minutes):
        result = catch_up(rule, last_run=last_run, now=now, keep=keep, **row)
        assert len(result.due) <= keep
        assert all(moment <= now for moment in result.due + result.skipped)
        assert all(last_run is None or moment > last_run for moment in result.due + result.skipped)
        for moment in result.due + result.skipped:
            assert moment not in seen, f"{moment} handled twice"
            seen.add(moment)
        sent += result.due
        skipped += result.skipped
        last_run = result.handled_through
    # and nothing fell through the cracks: every occurrence up to the last run was handled
    start = first + timedelta(microseconds=1) if first else utc(2025, 2, 1)
    expected = occurrences(rule, start=start, end=last_run + timedelta(microseconds=1), **row)
    assert sorted(sent + skipped) == expected


# --- occurrence keys --------------------------------------------------------------------------


def test_the_occurrence_key_is_plain_text_the_same_in_every_process():
    assert occurrence_key(42, utc(2025, 3, 31, 7), 7) == "42:20250331T070000Z:7"


def test_the_same_instant_in_another_zone_gives_the_same_key():
    in_amsterdam = local(AMS, 2025, 3, 31, 9)
    assert occurrence_key(1, in_amsterdam, 2) == occurrence_key(1, utc(2025, 3, 31, 7), 2)


def test_text_ids_with_a_colon_cannot_collide():
    a = occurrence_key("a:b", utc(2025, 1, 1), "c")
    b = occurrence_key("a", utc(2025, 1, 1), "b:c")
    assert a != b
    assert a == "a%3Ab:20250101T000000Z:c"


@pytest.mark.parametrize(
    ("row", "moment", "recipient", "problem"),
    [
        (1, datetime(2025, 1, 1), 2, "occurrence_utc must be a time-zone-aware"),
        ("", utc(2025, 1, 1), 2, "plan_row_id must be an int or a non-empty string"),
        (1, utc(2025, 1, 1), None, "recipient_id must be"),
        (True, utc(2025, 1, 1), 2, "plan_row_id must be"),
    ],
)
def test_the_occurrence_key_refuses_what_would_make_it_ambiguous(row, moment, recipient, problem):
    with pytest.raises(ValueError, match=problem):
        occurrence_key(row, moment, recipient)


def test_a_rule_is_a_frozen_hashable_value():
    rule = parse_rule("FREQ=WEEKLY;BYDAY=MO")
    assert {rule: 1}[parse_rule("freq=weekly;byday=mo")] == 1
    assert isinstance(rule, Rule)
    with pytest.raises(AttributeError):
        rule.freq = "DAILY"
