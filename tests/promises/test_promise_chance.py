"""Before a promise is recorded, Rapport says how likely it is to be kept and which date would
have an 80 % chance: from the person's record, the organisation's, and the estimate."""

from datetime import date, timedelta

import pytest

from rapport.promises.keeping import PastPromise, band_label, promise_chance

MADE = date(2026, 3, 2)


def past(lead, took, kept=None):
    """A closed promise made ``lead`` days ahead that took ``took`` days (None: never came)."""
    delivered = None if took is None else MADE + timedelta(days=took)
    return PastPromise(
        made_on=MADE,
        first_date=MADE + timedelta(days=lead),
        delivered_on=delivered,
        kept=kept if kept is not None else (took is not None and took <= lead),
    )


def test_a_late_promiser_gets_a_low_chance_and_a_later_date():
    mei = [past(20, 30), past(20, 26), past(30, 45), past(25, 25), past(20, 32)]
    org = mei + [past(20, 18), past(30, 28), past(25, 20)] * 3
    chance = promise_chance(
        made_on=MADE, promised_date=MADE + timedelta(days=30), person=mei, org=org
    )
    assert chance.person_share == pytest.approx(0.2)
    assert chance.person_count == 5
    # pulled towards the organisation's share (14 of 14 + 1 of 5 = 10/14 ... of this band)
    assert chance.person_share < chance.chance < chance.org_share
    # Mei usually needs ~1.5× the time she promises: promise 45 days ahead, not 30
    assert chance.date_for_80 > MADE + timedelta(days=40)
    assert chance.from_estimate is False


def test_a_reliable_promiser_is_told_the_date_already_has_its_chance():
    ben = [past(10, 9), past(12, 12), past(14, 10), past(10, 8)]
    chance = promise_chance(
        made_on=MADE, promised_date=MADE + timedelta(days=10), person=ben, org=ben
    )
    assert chance.chance == pytest.approx(1.0)
    assert chance.date_for_80 == MADE + timedelta(days=10)


def test_with_no_record_the_organisations_rate_is_the_answer():
    org = [past(20, 18), past(20, 30), past(20, 19), past(20, 40)]
    chance = promise_chance(
        made_on=MADE, promised_date=MADE + timedelta(days=21), person=[], org=org
    )
    assert chance.person_share is None
    assert chance.chance == pytest.approx(0.5)


def test_promises_never_delivered_leave_no_date_with_an_80_percent_chance():
    record = [past(20, None), past(20, None), past(20, 18), past(20, 30)]
    chance = promise_chance(
        made_on=MADE, promised_date=MADE + timedelta(days=20), person=record, org=record
    )
    assert chance.date_for_80 is None
    assert "never delivered" in chance.note


def test_a_promise_on_the_projects_finish_takes_its_chance_from_the_estimate():
    record = [past(90, 80)] * 5
    chance = promise_chance(
        made_on=MADE,
        promised_date=MADE + timedelta(days=90),
        person=record,
        org=record,
        estimate_chance=0.35,
        estimate_date_80=date(2026, 8, 14),
    )
    assert chance.person_share == 1.0
    assert chance.chance == 0.35
    assert chance.from_estimate
    assert chance.date_for_80 == date(2026, 8, 14)


def test_promises_are_compared_with_those_made_as_far_ahead():
    assert band_label(3) == "made up to two weeks ahead"
    assert band_label(30) == "made two weeks to two months ahead"
    assert band_label(200) == "made more than two months ahead"
