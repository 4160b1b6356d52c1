"""Each kind of obligation is measured by a pure rule: plain data in, breaches out (no database)."""

from datetime import UTC, date, datetime, timedelta

from rapport.slas import rules

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
TODAY = NOW.date()


def test_a_question_answered_too_late_or_not_at_all_is_a_breach():
    asked = NOW - timedelta(hours=60)
    found = rules.question_response(
        [
            (asked, asked + timedelta(hours=10), "Kim"),  # in time
            (asked, asked + timedelta(hours=30), "Bea"),  # late
            (asked, None, "Ann"),  # still open, past the deadline
            (NOW - timedelta(hours=2), None, "Pat"),  # open, not late yet
        ],
        hours=24,
        now=NOW,
    )
    assert [m.what.split("'")[0] for m in found] == ["Bea", "Ann"]
    assert found[0].at == (asked + timedelta(hours=24)).date()
    assert "answered after 30 hours" in found[0].what and "still unanswered" in found[1].what


def test_a_report_sent_later_than_allowed_or_never_is_a_breach():
    due = NOW - timedelta(days=3)
    found = rules.report_cadence(
        [
            (due, due + timedelta(hours=1), "Report A"),
            (due, due + timedelta(hours=30), "Report B"),
            (due, None, "Report C"),
        ],
        hours=24,
        now=NOW,
    )
    assert [m.what.split(" due")[0] for m in found] == ["Report B", "Report C"]
    assert "30 hours late" in found[0].what


def test_a_decision_taking_longer_than_allowed_is_a_breach():
    found = rules.decision_turnaround(
        [
            (date(2026, 3, 1), date(2026, 3, 3), "Hosting"),
            (date(2026, 2, 1), date(2026, 2, 20), "Budget"),
            (date(2026, 2, 25), None, "Vendor"),
            (date(2026, 3, 8), None, "Logo"),  # open but within the 7 days
        ],
        days=7,
        today=TODAY,
    )
    assert [m.at for m in found] == [date(2026, 2, 8), date(2026, 3, 4)]
    assert "took 19 days" in found[0].what and "still undecided" in found[1].what


def test_a_status_meeting_with_too_few_from_the_business_is_a_breach():
    found = rules.meeting_attendance(
        [
            (date(2026, 3, 2), "Status", 4, 3),  # 75 %
            (date(2026, 3, 9), "Status", 4, 2),  # 50 %
            (date(2026, 3, 10), "Status", 0, 0),  # nobody's attendance recorded: not measured
        ],
        percent=75,
    )
    assert len(found) == 1 and "2 of 4 from the business came" in found[0].what


def test_a_promise_kept_late_broken_or_overdue_is_a_breach():
    found = rules.promise_dates(
        [
            (date(2026, 2, 1), date(2026, 2, 2), False, "On time enough"),
            (date(2026, 2, 1), date(2026, 2, 10), False, "Late"),
            (date(2026, 2, 1), None, True, "Broken"),
            (date(2026, 3, 1), None, False, "Overdue"),
            (date(2026, 3, 9), None, False, "Not due yet"),
        ],
        days=2,
        today=TODAY,
    )
    assert [m.what.split("”")[0].strip("“") for m in found] == ["Late", "Broken", "Overdue"]
