"""The Monte Carlo simulation of estimates gives known answers within sampling error. No database.

Tolerances come from the standard error: 4 × sd / √n is exceeded by chance about once in 16,000
for a mean, and the seeds are fixed, so these tests neither flake nor hide a wrong answer.
"""

import datetime as dt
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.estimates.rules import (
    PERT,
    TRIANGULAR,
    ActivityEstimate,
    Target,
    ThreePoint,
    _average_ranks,
    _pert_standard_quantiles,
    _quantile_tables,
    _rank_correlations,
    check_target,
    simulate,
    working_days_to_date,
)

N = 100_000  # iterations for known-answer checks: standard errors well under 1 % of a range
# how far a quantile table's moments may be from the exact ones, as a share of the range
PERT_TABLE_ERROR = 2e-4  # the steep tails of the most skewed shapes (Q ~ u^(1/5)) cost most
TRIANGULAR_TABLE_ERROR = 2e-5
FREE = ThreePoint(0, 0, 0)


def act(aid, duration, cost=FREE, predecessors=()):
    return ActivityEstimate(aid, aid, duration, cost, tuple(predecessors))


def pert_sd(tp: ThreePoint) -> float:
    """Beta-PERT: variance = (mean − o)(p − mean) / 7."""
    mean = tp.mean(PERT)
    return math.sqrt((mean - tp.optimistic) * (tp.pessimistic - mean) / 7)


def triangular_sd(tp: ThreePoint) -> float:
    a, c, b = tp.optimistic, tp.most_likely, tp.pessimistic
    return math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)


def within(value, expected, sd, n=N, k=4.0):
    return abs(value - expected) <= k * sd / math.sqrt(n)


# --- known answers ---------------------------------------------------------------------------


def test_a_single_activitys_mean_finish_and_cost_match_the_pert_means():
    duration, cost = ThreePoint(2, 5, 14), ThreePoint(1000, 1500, 4000)
    result = simulate([act("A", duration, cost)], iterations=N, seed=11)
    assert duration.mean() == 6
    assert within(result.mean.finish, 6, pert_sd(duration))
    assert within(result.mean.cost, cost.mean(), pert_sd(cost))


def test_a_single_activitys_spread_matches_the_pert_standard_deviation():
    duration = ThreePoint(2, 5, 14)
    samples = simulate([act("A", duration)], iterations=N, seed=12).finish_samples
    # sd of a sample sd ≈ sd·√((kurtosis − 1) / 4n); Beta-PERT's kurtosis is below 3
    assert abs(samples.std() - pert_sd(duration)) <= 4 * pert_sd(duration) * math.sqrt(2 / (4 * N))
    assert samples.min() >= 2 and samples.max() <= 14


def test_a_triangular_activitys_mean_is_the_average_of_its_three_points():
    duration = ThreePoint(2, 5, 14)
    result = simulate([act("A", duration)], iterations=N, seed=13, distribution=TRIANGULAR)
    assert within(result.mean.finish, 7, triangular_sd(duration))


def test_a_chains_mean_is_the_sum_of_its_means():
    points = [ThreePoint(2, 5, 14), ThreePoint(1, 1, 9), ThreePoint(3, 4, 5), ThreePoint(0, 6, 6)]
    chain = [
        act(
            f"S{i}",
            tp,
            ThreePoint(10 * tp.optimistic, 10 * tp.most_likely, 10 * tp.pessimistic),
            [f"S{i - 1}"] if i else [],
        )
        for i, tp in enumerate(points)
    ]
    result = simulate(chain, iterations=N, seed=14)
    sd = math.sqrt(sum(pert_sd(tp) ** 2 for tp in points))
    assert within(result.mean.finish, sum(tp.mean() for tp in points), sd)
    assert within(result.mean.cost, 10 * sum(tp.mean() for tp in points), 10 * sd)


def test_a_merge_of_two_identical_triangular_activities_has_the_analytic_mean_of_the_max():
    # Triangular(0, 0, 1): F(x) = 1 − (1 − x)², so E[max of two] = ∫ 1 − F² = 7/15.
    tp = ThreePoint(0, 0, 15)
    merge = [act("A", tp), act("B", tp), act("M", ThreePoint(0, 0, 0), predecessors=["A", "B"])]
    result = simulate(merge, iterations=N, seed=15, distribution=TRIANGULAR)
    assert within(result.mean.finish, 15 * 7 / 15, sd=7.5)  # sd ≤ half the range
    assert result.mean.finish > tp.mean(TRIANGULAR) + 1  # a merge is later than either branch


def test_a_merge_of_two_identical_pert_activities_matches_the_max_of_independent_beta_samples():
    o, m, p = 2.0, 5.0, 14.0
    merge = [
        act("A", ThreePoint(o, m, p)),
        act("B", ThreePoint(o, m, p)),
        act("M", FREE, predecessors=["A", "B"]),
    ]
    result = simulate(merge, iterations=N, seed=16)
    # reference: NumPy's own Beta sampler, independent of the quantile tables under test
    rng = np.random.default_rng(99)
    a, b = 1 + 4 * (m - o) / (p - o), 1 + 4 * (p - m) / (p - o)
    big = 1_000_000
    reference = o + (p - o) * np.maximum(rng.beta(a, b, big), rng.beta(a, b, big))
    sd = reference.std()
    assert abs(result.mean.finish - reference.mean()) <= 4 * sd * math.sqrt(1 / N + 1 / big)


def test_a_fixed_value_is_sampled_without_noise():
    result = simulate(
        [act("A", ThreePoint.fixed(5), ThreePoint.fixed(1234.5))], iterations=1000, seed=1
    )
    assert set(result.finish_samples.tolist()) == {5.0}
    assert set(result.cost_samples.tolist()) == {1234.5}
    assert result.p50 == result.p90
    assert result.sensitivity[0].duration == 0 and result.sensitivity[0].cost == 0


def test_the_quantile_tables_have_the_exact_moments_of_their_distributions():
    # The piecewise-linear quantile function Q has mean ∫Q du and E[X²] = Σ (s² + s·d + d²/3)/K.
    def moments(table):
        start, step = table[:-1], np.diff(table)
        k = len(start)
        return (start + step / 2).sum() / k, (start**2 + start * step + step**2 / 3).sum() / k

    for r in np.linspace(0, 1, 23):  # mostly between the tabulated shapes
        a, b = 1 + 4 * r, 5 - 4 * r
        mean, square = moments(_quantile_tables(np.array([[0.0, r, 1.0]]), PERT)[0])
        assert abs(mean - a / 6) < PERT_TABLE_ERROR
        assert abs(square - mean**2 - a * b / (36 * 7)) < PERT_TABLE_ERROR
        mean, square = moments(_quantile_tables(np.array([[0.0, r, 1.0]]), TRIANGULAR)[0])
        assert abs(mean - (1 + r) / 3) < TRIANGULAR_TABLE_ERROR
        assert abs(square - mean**2 - (1 + r * r - r) / 18) < TRIANGULAR_TABLE_ERROR


def test_the_pert_table_matches_closed_form_quantiles_where_they_exist():
    table = _pert_standard_quantiles()
    u = np.linspace(0, 1, table.shape[1])
    assert np.allclose(table[-1], u ** (1 / 5), atol=2e-4)  # r = 1: Beta(5, 1), F = x⁵
    assert np.allclose(table[0], 1 - (1 - u) ** (1 / 5), atol=2e-4)  # r = 0: Beta(1, 5)
    middle = table[table.shape[0] // 2]  # r = ½: Beta(3, 3), F = 10x³ − 15x⁴ + 6x⁵
    assert np.allclose(10 * middle**3 - 15 * middle**4 + 6 * middle**5, u, atol=2e-5)


# --- critical path ---------------------------------------------------------------------------


def test_a_dominant_path_is_always_critical_and_a_short_branch_never():
    network = [
        act("A", ThreePoint(10, 12, 15)),
        act("B", ThreePoint(1, 2, 3)),  # can never catch up with A
        act("C", ThreePoint(1, 2, 4), predecessors=["A", "B"]),
        act("D", ThreePoint(0, 0.5, 0.9), predecessors=["A"]),  # always ends before C
    ]
    frequency = simulate(network, iterations=10_000, seed=2).critical_frequency
    assert frequency == {"A": 1.0, "B": 0.0, "C": 1.0, "D": 0.0}


def test_two_identical_parallel_paths_are_each_critical_about_half_the_time():
    network = [
        act("A", ThreePoint(1, 4, 9)),
        act("B", ThreePoint(1, 4, 9)),
        act("E", FREE, predecessors=["A", "B"]),
    ]
    frequency = simulate(network, iterations=N, seed=3).critical_frequency
    assert frequency["A"] + frequency["B"] == pytest.approx(1.0)
    assert within(frequency["A"], 0.5, sd=0.5)
    assert frequency["E"] == 1.0


def test_a_tie_goes_to_the_first_listed_predecessor():
    network = [
        act("A", ThreePoint.fixed(3)),
        act("B", ThreePoint.fixed(3)),
        act("E", FREE, predecessors=["B", "A"]),
    ]
    assert simulate(network, iterations=100, seed=1).critical_frequency == {
        "A": 0.0,
        "B": 1.0,
        "E": 1.0,
    }


def test_the_base_estimate_is_the_most_likely_critical_path_and_cost():
    network = [
        act("D", ThreePoint(2, 4, 9), ThreePoint(100, 200, 500)),
        act("B", ThreePoint(5, 10, 20), ThreePoint(1000, 2000, 6000), ["D"]),
        act("X", ThreePoint(1, 3, 30), ThreePoint(10, 20, 30), ["D"]),
        act("T", ThreePoint(1, 2, 3), ThreePoint.fixed(50), ["B"]),
    ]
    result = simulate(network, iterations=1000, seed=4)
    assert result.base.finish == 16 and result.base.cost == 2270
    assert result.base_critical_path == ("D", "B", "T")


# --- repeatability and ordering --------------------------------------------------------------


def network_of_three():
    return [
        act("D", ThreePoint(2, 4, 9), ThreePoint(100, 200, 500)),
        act("B", ThreePoint(5, 10, 20), ThreePoint(1000, 2000, 6000), ["D"]),
        act("X", ThreePoint(4, 6, 30), ThreePoint(10, 20, 30), ["D"]),
    ]


def test_the_same_seed_gives_identical_results():
    first = simulate(network_of_three(), iterations=5000, seed=42, target=Target(20, 3000))
    again = simulate(network_of_three(), iterations=5000, seed=42, target=Target(20, 3000))
    assert first == again
    assert first.to_dict() == again.to_dict()
    assert np.array_equal(first.finish_samples, again.finish_samples)
    assert np.array_equal(first.cost_samples, again.cost_samples)


def test_different_seeds_give_different_results():
    first = simulate(network_of_three(), iterations=5000, seed=42)
    other = simulate(network_of_three(), iterations=5000, seed=43)
    assert not np.array_equal(first.finish_samples, other.finish_samples)
    assert first.p80 != other.p80


def test_a_run_without_a_seed_reports_the_seed_that_repeats_it():
    first = simulate(network_of_three(), iterations=2000)
    assert simulate(network_of_three(), iterations=2000, seed=first.seed) == first


def test_percentiles_are_ordered_and_each_is_reached_with_its_probability():
    result = simulate(network_of_three(), iterations=10_000, seed=5)
    assert result.p50.finish <= result.p80.finish <= result.p90.finish
    assert result.p50.cost <= result.p80.cost <= result.p90.cost
    assert (result.finish_samples <= result.p80.finish).mean() >= 0.8
    assert (result.finish_samples < result.p80.finish).mean() < 0.8


def test_the_contingency_is_the_p80_minus_the_base_estimate():
    result = simulate(network_of_three(), iterations=10_000, seed=6)
    assert result.contingency.confidence == 0.8
    assert result.contingency.finish == pytest.approx(result.p80.finish - result.base.finish)
    assert result.contingency.cost == pytest.approx(result.p80.cost - result.base.cost)
    assert result.contingency.finish > 0 and result.contingency.cost > 0


def test_the_contingency_follows_the_chosen_confidence():
    result = simulate(network_of_three(), iterations=10_000, seed=6, confidence=0.9)
    assert result.contingency.finish == pytest.approx(result.p90.finish - result.base.finish)
    assert result.at_confidence == result.p90


def test_the_s_curve_rises_from_the_earliest_to_the_latest_finish():
    result = simulate(network_of_three(), iterations=10_000, seed=7)
    curve = result.s_curve
    assert len(curve.probability) == 101 and curve.probability[80] == 0.8
    assert list(curve.finish) == sorted(curve.finish) and list(curve.cost) == sorted(curve.cost)
    assert curve.finish[0] == result.finish_samples.min()
    assert curve.finish[-1] == result.finish_samples.max()
    assert curve.finish[80] == result.p80.finish and curve.cost[50] == result.p50.cost


# --- constraint check ------------------------------------------------------------------------


def test_a_target_after_every_possible_finish_is_met_for_certain():
    # the latest possible finish is D's pessimistic plus the longer of B and X pessimistic: 39
    result = simulate(network_of_three(), iterations=10_000, seed=8, target=Target(39.01, 6530))
    assert result.constraint_probability.finish == 1.0
    assert result.constraint_probability.cost == 1.0
    assert result.constraint_probability.both == 1.0
    assert result.what_it_would_take.finish_gap < 0
    assert result.what_it_would_take.schedule_levers == ()


def test_a_target_before_every_possible_finish_is_never_met():
    # the earliest possible finish is 2 + 5 = 7 days; the lowest possible cost 1110
    result = simulate(network_of_three(), iterations=10_000, seed=8, target=Target(6.99, 1109))
    assert result.constraint_probability.finish == 0.0
    assert result.constraint_probability.cost == 0.0
    assert result.constraint_probability.both == 0.0


def test_the_joint_probability_is_about_the_product_for_independent_duration_and_cost():
    result = simulate(network_of_three(), iterations=N, seed=9, target=Target(16, 2500))
    chance = result.constraint_probability
    assert chance.both <= min(chance.finish, chance.cost)
    assert within(chance.both, chance.finish * chance.cost, sd=0.5)


def test_a_target_with_only_a_budget_has_no_finish_probability():
    chance = simulate(
        network_of_three(), iterations=1000, seed=9, target=Target(budget=2500)
    ).constraint_probability
    assert chance.finish is None and chance.both is None and 0 < chance.cost < 1


def test_what_it_would_take_names_the_confidence_the_gap_and_the_critical_activities_first():
    network = [
        act("A", ThreePoint(10, 12, 15), ThreePoint(100, 100, 100)),
        act("B", ThreePoint(1, 2, 3), ThreePoint(900, 1000, 1200)),
        act("C", ThreePoint(1, 2, 4), ThreePoint(10, 20, 30), ["A", "B"]),
    ]
    result = simulate(network, iterations=10_000, seed=10, target=Target(13, 1000))
    take = result.what_it_would_take
    assert take.finish_confidence == result.constraint_probability.finish < 0.8
    assert take.finish_gap == pytest.approx(result.p80.finish - 13)
    assert [lever.activity_id for lever in take.schedule_levers] == ["A", "C"]  # B never critical
    assert take.schedule_levers[0].value == pytest.approx(
        network[0].duration.mean(), abs=4 * pert_sd(network[0].duration) / 100
    )
    assert [lever.activity_id for lever in take.cost_levers] == ["B", "A", "C"]


def test_a_result_can_be_checked_against_another_target_without_simulating_again():
    result = simulate(network_of_three(), iterations=10_000, seed=11)
    assert result.constraint_probability is None
    checked = check_target(result, Target(finish_days=result.p80.finish))
    assert checked.constraint_probability.finish == pytest.approx(
        (result.finish_samples <= result.p80.finish).mean()
    )
    assert checked.what_it_would_take.finish_gap == 0
    assert checked.p80 == result.p80


# --- sensitivity -----------------------------------------------------------------------------


def test_the_widest_activity_on_the_critical_path_drives_the_spread_most():
    network = [
        act("Narrow", ThreePoint(9, 10, 11), ThreePoint(100, 110, 120)),
        act("Wide", ThreePoint(2, 10, 40), ThreePoint(100, 500, 5000), ["Narrow"]),
        act("Fixed", ThreePoint.fixed(3), ThreePoint.fixed(300), ["Wide"]),
    ]
    result = simulate(network, iterations=10_000, seed=12)
    ranking = [(s.activity_id, s.duration > 0.9, s.cost > 0.9) for s in result.sensitivity]
    assert ranking == [("Wide", True, True), ("Narrow", False, False), ("Fixed", False, False)]
    assert result.sensitivity[2].duration == 0 and result.sensitivity[2].cost == 0
    bars = result.tornado_finish
    assert [bar.activity_id for bar in bars] == ["Wide", "Narrow"]
    assert bars[0].low < result.mean.finish < bars[0].high
    assert bars[0].swing > bars[1].swing > 0


def test_the_rank_correlation_agrees_with_the_textbook_spearman_formula():
    rng = np.random.default_rng(13)
    uniform = rng.random((4, 2000), dtype=np.float32)
    outcome = uniform[0] * 3 + uniform[1] + uniform[2] * 0.2 + rng.random(2000)
    fast = _rank_correlations(uniform, outcome, np.array([True, True, True, False]))
    textbook = [np.corrcoef(_average_ranks(u), _average_ranks(outcome))[0, 1] for u in uniform]
    # the two estimators differ by O(1/n), far inside Spearman's own sampling error (~1/√n)
    assert np.allclose(fast[:3], textbook[:3], atol=0.01)
    assert fast[3] == 0  # a row marked as not varying


def test_tied_outcomes_share_their_average_rank():
    assert _average_ranks(np.array([3.0, 1.0, 3.0, 2.0])).tolist() == [3.5, 1.0, 3.5, 2.0]


# --- output ----------------------------------------------------------------------------------


def test_the_summary_is_json_with_the_shape_the_cli_prints():
    result = simulate(network_of_three(), iterations=2000, seed=14, target=Target(20, 3000))
    summary = json.loads(json.dumps(result.to_dict()))
    for level in ("p50", "p80", "p90"):
        assert set(summary[level]) == {"finish", "cost"}
    assert summary["p80"]["finish"] == round(result.p80.finish, 4)
    assert set(summary["contingency"]) == {"confidence", "finish", "cost"}
    assert set(summary["constraint_probability"]) == {"finish", "cost", "both"}
    assert list(summary)[:5] == ["p50", "p80", "p90", "contingency", "constraint_probability"]
    assert summary["critical_frequency"]["D"] == 1.0


def test_the_summary_without_a_target_has_a_null_constraint_probability():
    summary = simulate(network_of_three(), iterations=500, seed=14).to_dict()
    assert summary["constraint_probability"] is None and json.dumps(summary)


@pytest.mark.parametrize(
    ("start", "days", "finish"),
    [
        (dt.date(2025, 6, 2), 5, dt.date(2025, 6, 6)),  # Monday + 5 days → Friday
        (dt.date(2025, 6, 2), 5.5, dt.date(2025, 6, 9)),  # a part day spills to Monday
        (dt.date(2025, 6, 2), 0, dt.date(2025, 6, 2)),  # a milestone on the start day
        (dt.date(2025, 6, 7), 1, dt.date(2025, 6, 9)),  # a Saturday start begins on Monday
        (dt.date(2025, 6, 2), 10, dt.date(2025, 6, 13)),
    ],
)
def test_working_days_convert_to_the_calendar_date_work_finishes(start, days, finish):
    assert working_days_to_date(start, days) == finish


def test_holidays_are_not_working_days():
    whit_monday = dt.date(2025, 6, 9)
    assert working_days_to_date(dt.date(2025, 6, 2), 6, holidays=[whit_monday]) == dt.date(
        2025, 6, 10
    )


# --- properties over random networks ---------------------------------------------------------


@st.composite
def networks(draw):
    """Random valid DAGs of up to 12 activities, given in a shuffled order, with three-point
    ranges that may be fixed (o = m = p) or degenerate on one side."""
    size = draw(st.integers(1, 12))
    activities = []
    for i in range(size):
        o, m, p = sorted(draw(st.lists(st.integers(0, 30), min_size=3, max_size=3)))
        co, cm, cp = sorted(draw(st.lists(st.integers(0, 10_000), min_size=3, max_size=3)))
        preds = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        activities.append(
            act(
                f"A{i}",
                ThreePoint(o, m, p),
                ThreePoint(co, cm, cp),
                [f"A{j}" for j in sorted(preds)],
            )
        )
    return draw(st.permutations(activities))


def longest_path(activities, duration_of):
    finish = {}
    pending = list(activities)
    while pending:  # simple repeated relaxation: fine for a dozen activities
        for a in list(pending):
            if all(p in finish for p in a.predecessors):
                finish[a.id] = max((finish[p] for p in a.predecessors), default=0.0) + duration_of(
                    a
                )
                pending.remove(a)
    return max(finish.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.sampled_from([PERT, TRIANGULAR]), st.integers(0, 2**32))
def test_every_simulated_finish_lies_between_the_all_optimistic_and_all_pessimistic_schedules(
    activities, distribution, seed
):
    result = simulate(activities, iterations=2000, seed=seed, distribution=distribution)
    earliest = longest_path(activities, lambda a: a.duration.optimistic)
    latest = longest_path(activities, lambda a: a.duration.pessimistic)
    slack = 1e-5 * (latest + 1) * len(activities)  # float32 arithmetic along a path
    assert earliest - slack <= result.finish_samples.min()
    assert result.finish_samples.max() <= latest + slack
    lowest = sum(a.cost.optimistic for a in activities)
    highest = sum(a.cost.pessimistic for a in activities)
    assert lowest - 1e-3 * (highest + 1) <= result.cost_samples.min()
    assert result.cost_samples.max() <= highest + 1e-3 * (highest + 1)
    assert result.p50.finish <= result.p80.finish <= result.p90.finish
    assert result.p50.cost <= result.p80.cost <= result.p90.cost
    # Jensen: the mean finish is at least the schedule of mean durations (within sampling error)
    mean_schedule = longest_path(activities, lambda a: a.duration.mean(distribution))
    assert (
        result.mean.finish
        >= mean_schedule - 4 * result.finish_samples.std() / math.sqrt(2000) - slack
    )


@settings(max_examples=60, deadline=None)
@given(networks(), st.integers(0, 2**32))
def test_each_iteration_has_exactly_one_critical_path_from_a_start_to_an_end(activities, seed):
    result = simulate(activities, iterations=500, seed=seed)
    frequency = result.critical_frequency
    has_successor = {p for a in activities for p in a.predecessors}
    starts = [a.id for a in activities if not a.predecessors]
    ends = [a.id for a in activities if a.id not in has_successor]
    assert sum(frequency[i] for i in starts) == pytest.approx(1.0)
    assert sum(frequency[i] for i in ends) == pytest.approx(1.0)
    assert all(0 <= v <= 1 for v in frequency.values())
    assert all(result.critical_days[i] <= frequency[i] * 30 + 1e-9 for i in frequency)


@settings(max_examples=40, deadline=None)
@given(networks())
def test_a_network_of_fixed_values_has_no_contingency(activities):
    fixed = [
        ActivityEstimate(
            a.id,
            a.name,
            ThreePoint.fixed(a.duration.most_likely),
            ThreePoint.fixed(a.cost.most_likely),
            a.predecessors,
        )
        for a in activities
    ]
    result = simulate(fixed, iterations=200, seed=1)
    assert result.p50 == result.p80 == result.p90
    assert result.base.finish == pytest.approx(
        longest_path(fixed, lambda a: a.duration.most_likely)
    )
    assert result.contingency.finish == pytest.approx(0, abs=1e-4 * (result.base.finish + 1))
    assert result.contingency.cost == pytest.approx(0, abs=1e-4 * (result.base.cost + 1))
