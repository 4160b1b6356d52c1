"""A customer's expectation is flagged when the plan or the current estimate contradicts it."""

from datetime import date

import pytest

from rapport.promises import rules
from rapport.promises.rules import EstimateFacts, ExpectationFacts, PlanFacts

CURVE = [(p / 10, 300_000 + 20_000 * p) for p in range(11)]  # 300K at P0 … 500K at P100
FINISH = [(p / 10, date(2027, 5, 1 + 2 * p)) for p in range(11)]  # 1 May … 21 May 2027


def estimate(cost=460_000, finish=date(2027, 5, 17)):
    return EstimateFacts(
        confidence=0.8, cost=cost, finish_date=finish, cost_curve=CURVE, finish_curve=FINISH
    )


def test_the_home_buyers_budget_below_the_estimate_is_flagged_with_the_chance_of_meeting_it():
    buyer = ExpectationFacts(1, "Home buyer", "budget", "No more than 350K", amount=350_000)
    found = rules.expectation_findings(buyer, PlanFacts(currency="EUR", estimate=estimate()))
    assert [f.code for f in found] == ["expectation-budget-below-estimate"]
    assert found[0].message == (
        "Home buyer expects at most 350,000 EUR; the estimate at P80 is 460,000 EUR "
        "(chance of staying within it: 25 %)."
    )
    assert rules.is_contradicted(found)


def test_a_budget_below_the_projects_own_budget_is_flagged_even_without_an_estimate():
    cfo = ExpectationFacts(2, "CFO", "budget", "At most 400K", amount=400_000)
    found = rules.expectation_findings(cfo, PlanFacts(currency="EUR", budget=420_000))
    assert [f.code for f in found] == ["expectation-budget-below-plan"]


def test_a_date_before_the_estimated_finish_and_the_target_date_is_flagged_twice():
    sales = ExpectationFacts(
        3, "Sales team", "date", "Before spring", expected_date=date(2027, 5, 5)
    )
    plan = PlanFacts(target_date=date(2027, 6, 30), estimate=estimate())
    found = rules.expectation_findings(sales, plan)
    assert [f.code for f in found] == [
        "expectation-date-before-plan",
        "expectation-date-before-estimate",
    ]
    assert "(chance of finishing by then: 20 %)" in found[1].message
    assert "the estimate at P80 finishes on 17 May 2027" in found[1].message


def test_an_expectation_the_plan_meets_is_not_flagged():
    relaxed = ExpectationFacts(4, "CFO", "budget", "Up to 500K", amount=500_000)
    assert rules.expectation_findings(relaxed, PlanFacts(budget=420_000, estimate=estimate())) == []


def test_scope_and_quality_are_flagged_when_a_person_says_the_plan_contradicts_them():
    lars = ExpectationFacts(
        5,
        "Lars",
        "quality",
        "Ten minutes of data entry",
        plan_contradicts=True,
        plan_note="The pilot measured 25",
    )
    found = rules.expectation_findings(lars, PlanFacts())
    assert [(f.code, f.severity) for f in found] == [("expectation-contradicted", "warning")]
    assert (
        found[0].message == "The plan contradicts Lars's quality expectation: The pilot measured 25"
    )


def test_a_budget_only_in_words_asks_for_a_number():
    vague = ExpectationFacts(6, "Board", "budget", "Cheap")
    found = rules.expectation_findings(vague, PlanFacts(budget=1))
    assert [(f.code, f.severity) for f in found] == [("expectation-in-words-only", "info")]
    assert not rules.is_contradicted(found)


def test_the_chance_is_read_off_the_s_curve():
    assert rules.chance_within(CURVE, 200_000) == 0.0
    assert rules.chance_within(CURVE, 600_000) == 1.0
    assert rules.chance_within(CURVE, 330_000) == pytest.approx(0.15)
    assert rules.chance_within([], 1) is None
    flat = [(0.0, 5), (0.5, 5), (1.0, 9)]
    assert rules.chance_within(flat, 5) == 0.5
