"""Simulating a project's estimate: seeded runs repeat exactly, known answers hold end to end,
unestimated and cancelled work is handled in the open, and bad settings get clear errors."""

import math
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from rapport.estimates import rules, selectors, services
from rapport.estimates.models import SimulationRun
from rapport.estimates.report import run_report
from rapport.raci import services as raci
from tests.estimates.factories import NETWORK, activities, estimated_network, with_start

pytestmark = pytest.mark.django_db


def run(world, **settings):
    return services.simulation_run(
        actor=world.manager, project=world.alpha, **{"iterations": 2000, "seed": 7, **settings}
    )


def test_a_run_is_kept_with_its_settings_and_repeats_exactly_with_its_seed(world):
    estimated_network(world)
    first = run(world)
    again = services.simulation_repeat(actor=world.manager, run=first)
    assert SimulationRun.objects.count() == 2
    assert (first.seed, first.iterations, first.confidence, first.distribution) == (
        7,
        2000,
        0.8,
        "pert",
    )
    assert first.result == again.result
    assert first.version == selectors.version_current(world.alpha)


def test_without_a_seed_a_new_one_is_drawn_and_kept(world):
    estimated_network(world)
    made = run(world, seed=None)
    assert 0 <= made.seed < 2**32 and made.result["seed"] == made.seed


def test_a_single_activitys_mean_matches_its_pert_mean_end_to_end(world):
    only = activities(world, ["Build"])["Build"]
    services.estimate_set(
        actor=world.manager, activity=only, reason="r", duration=[2, 5, 14], cost=[1000, 1500, 4000]
    )
    result = run(world, iterations=100_000, seed=11).simulation
    sd = math.sqrt((6 - 2) * (14 - 6) / 7)  # Beta-PERT: (mean − o)(p − mean) / 7
    assert abs(result.mean.finish - 6) <= 4 * sd / math.sqrt(100_000)
    assert abs(result.mean.cost - rules.ThreePoint(1000, 1500, 4000).mean()) <= 4 * 500 / math.sqrt(
        100_000
    )


def test_the_base_is_the_most_likely_critical_path_and_the_contingency_sits_on_top(world):
    estimated_network(world)
    r = run(world, iterations=5000).simulation
    # most likely: Design 8 + max(Build 15, Migration 6) + Test 5 + Go-live 0 = 28 days
    assert r.base.finish == 28 and r.base.cost == sum(c[1] for _, _, c, _ in NETWORK)
    assert r.contingency.finish == pytest.approx(r.p80.finish - 28)
    assert r.contingency.cost == pytest.approx(r.p80.cost - r.base.cost)


def test_unestimated_work_counts_as_zero_and_is_named(world):
    estimated_network(world)
    extra = raci.activity_create(actor=world.manager, project=world.alpha, name="Celebrate")
    made = run(world)
    assert made.result["not_estimated"] == ["Celebrate"]
    assert made.result["critical_frequency"][str(extra.pk)] in (0.0, 1.0)


def test_cancelled_work_is_left_out_and_the_order_around_it_kept(world):
    made = estimated_network(world)
    raci.activity_update(actor=world.manager, activity=made["Build"], status="cancelled")
    inputs = selectors.simulation_inputs(world.alpha)
    by_name = {a.name: a for a in inputs.activities}
    assert "Build" not in by_name and inputs.excluded == ["Build"]
    # Test waited for Build and Data migration; Build's own predecessor (Design) takes its place
    assert set(by_name["Test"].predecessors) == {made["Data migration"].pk, made["Design"].pk}


def test_the_target_is_checked_in_working_days_from_the_project_start(world):
    with_start(world, start=date(2026, 1, 5))
    estimated_network(world)
    services.constraint_set(
        actor=world.manager,
        project=world.alpha,
        reason="Ask",
        finish_date=date(2026, 2, 13),
        budget=45000,
    )
    made = run(world, iterations=5000)
    assert made.result["target"]["finish_days"] == 30  # 5 Jan to 13 Feb 2026: six working weeks
    chance = made.simulation.constraint_probability
    assert chance.finish == pytest.approx((made.simulation.finish_samples <= 30).mean())
    assert chance.cost == pytest.approx((made.simulation.cost_samples <= 45000).mean())


def test_a_target_date_without_a_project_start_is_not_checked_and_says_why(world):
    estimated_network(world)
    services.constraint_set(
        actor=world.manager, project=world.alpha, reason="Ask", finish_date=date(2026, 2, 13)
    )
    made = run(world)
    assert made.simulation.constraint_probability is None
    assert "set the project's start date" in made.result["notes"][0]


def test_a_project_without_activities_cannot_be_simulated(world):
    with pytest.raises(ValidationError, match="ALPHA has no activities to simulate yet"):
        run(world)
    assert not SimulationRun.objects.exists()


def test_activities_with_no_estimate_at_all_give_no_fake_zero_plan(world):
    from rapport.raci import services as raci

    raci.activity_create(actor=world.manager, project=world.alpha, name="Design")
    raci.activity_create(actor=world.manager, project=world.alpha, name="Build")
    with pytest.raises(ValidationError, match="Nothing on ALPHA is estimated yet"):
        run(world)
    assert not SimulationRun.objects.exists()


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"iterations": 10}, "iterations"),
        ({"iterations": 10_000_000}, "iterations"),
        ({"iterations": "many"}, "iterations"),
        ({"seed": -1}, "seed"),
        ({"confidence": 1.5}, "confidence"),
        ({"distribution": "normal"}, "distribution"),
    ],
)
def test_bad_run_settings_are_refused_with_the_setting_named(world, settings, field):
    estimated_network(world)
    with pytest.raises(ValidationError) as error:
        run(world, **settings)
    assert list(error.value.message_dict) == [field]
    assert not SimulationRun.objects.exists()


def test_the_report_says_when_the_estimate_changed_since_the_run(world):
    made = estimated_network(world)
    last = run(world)
    assert run_report(world.alpha, last, with_charts=False).stale == []
    services.estimate_set(
        actor=world.manager,
        activity=made["Test"],
        reason="More tests",
        duration=[3, 6, 10],
        cost=[3000, 4000, 7000],
    )
    stale = run_report(world.alpha, last, with_charts=False).stale
    assert stale[0].startswith(
        "The estimate changed since this run (version 5 then, version 6 now)"
    )


def test_the_contingency_line_adds_up_on_the_page(world):
    with_start(world)
    estimated_network(world)
    report = run_report(world.alpha, run(world, confidence=0.9), with_charts=False)
    assert report.base.days + report.contingency.days == report.at_confidence.days
    assert report.base.cost + report.contingency.cost == report.at_confidence.cost
    assert report.at_confidence.label == "Estimate at P90"
    assert report.at_confidence.date == rules.working_days_to_date(
        date(2026, 1, 5), report.at_confidence.days
    )


def test_a_run_costs_the_same_queries_however_many_activities(world, django_assert_max_num_queries):
    def grow(names):
        made = activities(world, names)
        services.estimates_set_many(
            actor=world.manager,
            project=world.alpha,
            reason="grow",
            rows=[{"activity": a, "duration": [1, 2, 3], "cost": [1, 2, 3]} for a in made.values()],
        )

    grow(["A", "B"])
    run(world)
    with django_assert_max_num_queries(20) as few:
        run(world)
    grow([f"C{i}" for i in range(40)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        run(world)


def test_saving_many_estimates_at_once_costs_a_write_per_row_not_a_query_per_check(
    world, django_assert_max_num_queries
):
    made = activities(world, [f"A{i}" for i in range(30)])
    order = list(made.values())
    rows = [
        {
            "activity": a,
            "duration": [1, 2, 3],
            "cost": [1, 2, 3],
            "predecessors": order[max(i - 2, 0) : i],
        }
        for i, a in enumerate(order)
    ]
    links = sum(len(r["predecessors"]) for r in rows)
    # per estimate and per link: its insert and its audit entry; the rest is a fixed overhead
    with django_assert_max_num_queries(2 * (len(rows) + links) + 25):
        services.estimates_set_many(
            actor=world.manager, project=world.alpha, rows=rows, reason="Sheet"
        )
