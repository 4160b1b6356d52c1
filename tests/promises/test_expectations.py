"""Customers' expectations, recorded in their words and checked against the plan and estimate."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.estimates import services as estimates
from rapport.promises import selectors, services
from rapport.promises.models import Expectation
from tests.estimates.factories import customer, estimated_network, with_start

pytestmark = pytest.mark.django_db


def expect(world, who, **fields):
    return services.expectation_create(
        actor=world.contributor, project=world.alpha, stakeholder=who, **fields
    )


def test_an_expectation_keeps_the_customers_words_and_their_number(world):
    buyer = customer(world, "Home buyer")
    e = expect(
        world, buyer, kind="budget", words="“Not a cent over 350K”", amount=Decimal("350000")
    )
    assert (e.words, e.amount, e.recorded_by) == (
        "“Not a cent over 350K”",
        Decimal("350000"),
        world.contributor,
    )


def test_the_latest_estimate_contradicting_a_budget_flags_it(world):
    with_start(world, budget=None)
    estimated_network(world)
    estimates.simulation_run(actor=world.manager, project=world.alpha, iterations=2000, seed=3)
    buyer = customer(world, "Home buyer")
    expect(world, buyer, kind="budget", words="Cheap please", amount=Decimal("30000"))
    expect(world, buyer, kind="budget", words="Anything up to 200K", amount=Decimal("200000"))

    low, high = selectors.expectations_with_findings(world.alpha)
    assert low.contradicted and not high.contradicted
    assert low.findings[0].code == "expectation-budget-below-estimate"
    assert (
        "Home buyer expects at most 30,000 EUR; the estimate at P80 is" in low.findings[0].message
    )
    assert "(chance of staying within it: 0 %)" in low.findings[0].message


def test_a_date_after_the_plans_target_date_is_flagged_without_any_estimate(world):
    world.alpha.target_date = date(2027, 6, 30)
    world.alpha.save()
    sales = customer(world, "Sales team")
    expect(world, sales, kind="date", words="Before spring", expected_date=date(2027, 4, 1))
    (e,) = selectors.expectations_with_findings(world.alpha)
    assert [f.message for f in e.findings] == [
        "Sales team expects it by 1 Apr 2027; the plan's target date is 30 Jun 2027."
    ]


def test_a_person_can_flag_a_quality_expectation_the_plan_contradicts_and_clear_it(world):
    lars = customer(world, "Lars")
    e = expect(
        world,
        lars,
        kind="quality",
        words="10 minutes of data entry",
        plan_contradicts=True,
        plan_note="25 measured",
    )
    assert selectors.expectations_with_findings(world.alpha)[0].contradicted
    services.expectation_update(actor=world.contributor, expectation=e, plan_contradicts=False)
    assert not selectors.expectations_with_findings(world.alpha)[0].contradicted


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"kind": "budget", "words": "x", "amount": Decimal("-1")},
            "amount",
            "An amount cannot be negative.",
        ),
        (
            {"kind": "date", "words": "x", "amount": Decimal("5")},
            "amount",
            "A date expectation has a date, not an amount.",
        ),
        (
            {"kind": "budget", "words": "x", "expected_date": date(2027, 1, 1)},
            "expected_date",
            "Only a date expectation has an expected date.",
        ),
        ({"kind": "mood", "words": "x"}, "kind", "Use one of budget, date, scope, quality."),
        ({"kind": "scope", "words": "  "}, "words", "This is required."),
    ],
)
def test_bad_expectations_get_a_clear_error_and_nothing_is_saved(world, fields, field, message):
    with pytest.raises(ValidationError) as error:
        expect(world, customer(world), **fields)
    assert error.value.message_dict[field] == [message]
    assert not Expectation.objects.exists()


def test_an_expectation_belongs_to_a_stakeholder_of_the_same_project(world):
    from rapport.projects import services as projects

    beta = projects.project_create(actor=world.manager, org=world.acme, code="BETA", name="Beta")
    elsewhere = customer(world, "Beta user", project=beta)
    with pytest.raises(ValidationError, match="Choose a stakeholder of this project"):
        expect(world, elsewhere, kind="scope", words="Everything")
