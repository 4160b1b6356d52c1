"""Kept, broken, overdue and renegotiated promises, and their figures, as pure rules."""

from datetime import date

import pytest

from rapport.promises import rules
from rapport.promises.rules import PromiseFacts

TODAY = date(2026, 11, 20)


def facts(pid=1, due=date(2026, 11, 1), **fields):
    return PromiseFacts(id=pid, promised_date=due, **fields)


@pytest.mark.parametrize(
    ("delivered", "scope", "status"),
    [
        (date(2026, 10, 30), "as", "kept"),
        (date(2026, 11, 1), "more", "kept"),  # on the day counts as on time
        (date(2026, 11, 2), "more", "broken"),  # a day late breaks it, however much came
        (date(2026, 10, 1), "less", "broken"),  # early but less than promised
    ],
)
def test_a_delivery_keeps_the_promise_only_on_time_with_the_promised_scope(
    delivered, scope, status
):
    assert rules.delivery_status(date(2026, 11, 1), delivered, scope) == status


def test_an_unknown_delivered_scope_is_refused():
    with pytest.raises(ValueError, match="less, as, more"):
        rules.delivery_status(date(2026, 11, 1), date(2026, 11, 1), "plenty")


def test_an_open_promise_past_its_date_is_overdue_and_not_on_the_day_itself():
    assert rules.state(facts(due=TODAY), TODAY) == "open"
    assert rules.state(facts(due=date(2026, 11, 19)), TODAY) == "overdue"
    assert rules.is_overdue(facts(due=date(2026, 11, 19), status="renegotiated"), TODAY)
    assert not rules.is_overdue(facts(due=date(2026, 11, 19), status="kept"), TODAY)


def test_a_renegotiated_promise_shows_as_renegotiated_until_it_is_overdue_or_closed():
    assert rules.state(facts(due=date(2026, 12, 1), status="renegotiated"), TODAY) == "renegotiated"
    assert rules.state(facts(status="broken"), TODAY) == "broken"


def test_the_figures_count_kept_broken_overdue_and_the_scope_delivered():
    promises = [
        facts(1, status="kept", delivered_on=date(2026, 10, 29), delivered_scope="as"),  # 3 early
        facts(2, status="kept", delivered_on=date(2026, 11, 1), delivered_scope="more"),  # on day
        facts(3, status="broken", delivered_on=date(2026, 11, 6), delivered_scope="less"),  # 5 late
        facts(4, status="broken"),  # given up, never delivered
        facts(5, status="open", due=date(2026, 11, 10)),  # overdue
        facts(6, status="open", due=date(2026, 12, 10)),
    ]
    f = rules.figures(promises, TODAY)
    assert (f.total, f.open, f.overdue, f.kept, f.broken, f.closed) == (6, 2, 1, 2, 2, 4)
    assert (f.more, f.as_promised, f.less) == (1, 1, 1)
    assert f.delivered == 3 and f.on_time == 2
    assert f.kept_share == 0.5 and f.kept_text == "2 of 4 closed (50 %)"
    assert f.mean_days_late == pytest.approx((-3 + 0 + 5) / 3)


def test_renegotiating_does_not_launder_a_late_delivery():
    moved = facts(
        due=date(2026, 11, 15),
        original_date=date(2026, 11, 1),
        status="kept",
        delivered_on=date(2026, 11, 12),
        delivered_scope="as",
        renegotiations=1,
    )
    f = rules.figures([moved], TODAY)
    assert f.on_time == 1 and f.mean_days_late == -3  # kept against the new date ...
    assert f.on_time_original == 0 and f.mean_days_late_original == 11  # ... late against the first
    assert f.renegotiated == 1


def test_figures_split_per_person_who_made_them_and_per_party():
    promises = [
        facts(
            1,
            made_by="priya",
            party="sales",
            status="kept",
            delivered_on=TODAY,
            delivered_scope="as",
            due=TODAY,
        ),
        facts(2, made_by="priya", party="cfo", status="broken"),
        facts(3, made_by="mei", party="sales", status="open", due=date(2026, 12, 1)),
    ]
    per_pm = rules.figures_by(promises, TODAY, key=lambda p: p.made_by)
    per_party = rules.figures_by(promises, TODAY, key=lambda p: p.party)
    assert (per_pm["priya"].kept, per_pm["priya"].broken, per_pm["mei"].open) == (1, 1, 1)
    assert (per_party["sales"].total, per_party["cfo"].broken) == (2, 1)


def test_no_promises_have_no_shares_rather_than_zero_percent():
    f = rules.figures([], TODAY)
    assert f.kept_share is None and f.on_time_share is None and f.mean_days_late is None
    assert f.kept_text == "none closed yet" and f.mean_days_late_text == "—"


@pytest.mark.parametrize(
    ("days", "text"),
    [(0, "on the day"), (1, "1 day late"), (-2.5, "2.5 days early"), (3.0, "3 days late")],
)
def test_days_early_or_late_read_as_words(days, text):
    assert rules.describe_days(days) == text


def test_the_figures_are_plain_json():
    import json

    assert json.dumps(
        rules.figures(
            [facts(status="kept", delivered_on=TODAY, delivered_scope="as")], TODAY
        ).to_dict()
    )
