"""The sponsor's target next to the estimate: the chance of meeting it and what it would take."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.estimates import services
from rapport.estimates.models import EstimateVersion, SponsorConstraint
from tests.estimates.factories import estimated_network, with_start

pytestmark = pytest.mark.django_db
PAGE = "/o/acme/p/ALPHA/estimates/"


@pytest.fixture
def simulated(world):
    with_start(world, start=date(2026, 1, 5))
    made = estimated_network(world)
    services.constraint_set(
        actor=world.manager,
        project=world.alpha,
        reason="Sponsor's ask: 6 weeks and 45K",
        finish_date=date(2026, 2, 13),
        budget=Decimal("45000"),
    )
    run = services.simulation_run(actor=world.manager, project=world.alpha, iterations=5000, seed=4)
    return made, run


def test_the_page_shows_the_chance_of_meeting_the_target_next_to_the_estimate(
    world, simulated, client_for
):
    _, run = simulated
    chance = run.simulation.constraint_probability
    text = client_for(world.viewer).get(PAGE).content.decode()
    assert "Finish by 13 Feb 2026" in text and "Budget 45,000 EUR" in text
    assert f'<td class="chance">{chance.finish * 100:.0f} %</td>' in text
    assert f'<td class="chance">{chance.cost * 100:.0f} %</td>' in text
    assert f'<td class="chance">{chance.both * 100:.0f} %</td>' in text


def test_what_it_would_take_names_the_gap_the_activities_and_the_risk_to_accept(
    world, simulated, client_for
):
    _, run = simulated
    r = run.simulation
    assert r.p80.cost > 45000  # the budget is missed at P80
    text = client_for(world.viewer).get(PAGE).content.decode()
    gap = round(r.p80.cost) - 45000
    assert (
        f"To stay within 45,000 EUR with P80 confidence, take <strong>{gap:,} EUR</strong> out of the scope"
        in text
    )
    assert "cut first (mean cost): Build" in text
    assert (
        f"the sponsor's budget is a <strong>P{round(r.constraint_probability.cost * 100)}</strong> estimate"
        in text
    )


def test_a_manager_records_the_target_on_the_page_with_a_reason(world, client_for):
    with_start(world)
    response = client_for(world.manager).post(
        PAGE + "target/",
        {
            "action": "set",
            "finish_date": "2026-09-30",
            "budget": "100000",
            "notes": "8 months",
            "reason": "Steering committee",
        },
    )
    assert response.status_code == 302
    c = SponsorConstraint.objects.get()
    assert (c.finish_date, c.budget, c.notes) == (date(2026, 9, 30), Decimal("100000"), "8 months")
    assert EstimateVersion.objects.get().reason == "Steering committee"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "finish_date", "Give a finish date, a budget or both."),
        ({"budget": -5}, "budget", "A budget cannot be negative."),
        (
            {"finish_date": date(2025, 1, 1)},
            "finish_date",
            "The finish date is before the project starts (2026-01-05).",
        ),
    ],
)
def test_a_target_that_makes_no_sense_is_refused(world, fields, field, message):
    with_start(world)
    with pytest.raises(ValidationError) as error:
        services.constraint_set(actor=world.manager, project=world.alpha, reason="r", **fields)
    assert error.value.message_dict[field] == [message]
    assert not SponsorConstraint.objects.exists() and not EstimateVersion.objects.exists()


def test_only_managers_set_the_target(world, client_for):
    assert client_for(world.contributor).get(PAGE + "target/").status_code == 403


def test_a_target_set_after_the_run_asks_for_a_new_run(world, client_for):
    with_start(world)
    estimated_network(world)
    services.simulation_run(actor=world.manager, project=world.alpha, iterations=500, seed=1)
    services.constraint_set(actor=world.manager, project=world.alpha, reason="Late ask", budget=1)
    text = client_for(world.viewer).get(PAGE).content.decode()
    assert "The last run was made without this target" in text
    assert "The sponsor&#x27;s target changed since this run" in text


def test_one_day_reads_as_one_working_day_on_the_page_and_the_cli(world, client_for):
    from io import StringIO

    from django.core.management import call_command

    from tests.estimates.factories import activities

    with_start(world, start=date(2026, 1, 5))  # a Monday
    only = activities(world, ["Build"])["Build"]
    # most likely 10 days, at most half a day more: P80 rounds up to the 11th working day
    services.estimate_set(
        actor=world.manager,
        activity=only,
        reason="Vendor quote",
        duration=[10, 10, "10.5"],
        cost=[1000, 1000, 1000],
    )
    services.constraint_set(
        actor=world.manager,
        project=world.alpha,
        reason="Two weeks",
        finish_date=date(2026, 1, 16),  # the 10th working day
    )
    services.simulation_run(actor=world.manager, project=world.alpha, iterations=2000, seed=5)
    text = client_for(world.viewer).get(PAGE).content.decode()
    assert "<td>+1 working day</td>" in text
    assert "take <strong>1 working day</strong> out of the critical path" in text
    assert not re.search(r"\b1 working days", text)

    out = StringIO()
    call_command("estimate", "simulate", "--project", "ALPHA", "--seed", "5", stdout=out)
    assert "take 1 working day out (Build first)" in out.getvalue()
    assert not re.search(r"\b1 working days", out.getvalue())
