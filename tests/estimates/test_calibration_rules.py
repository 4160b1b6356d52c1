"""Reference-class calibration recovers a known bias from synthetic histories. No database.

Each synthetic project has an estimate (a Beta-PERT range whose quantiles are exact), and its
actual outcome is drawn from that very distribution, then multiplied by a known bias b. An honest
fit must find factor ≈ b at every level, within sampling error: the tolerance comes from the
bootstrap's own standard error (4 × SE is exceeded by chance about once in 16,000), and the seeds
are fixed, so these tests neither flake nor hide a wrong answer.
"""

import numpy as np
import pytest

from rapport.estimates import calibration
from rapport.estimates.calibration import (
    LEVELS,
    CalibrationRefused,
    Comparison,
    calibrate,
    fit,
    three_point_quantiles,
)
from rapport.estimates.rules import _quantile_tables


def history(projects: int, bias: float, seed: int) -> list[Comparison]:
    """Projects of varied size and shape whose outcomes run ``bias`` × their own estimate."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(projects):
        most_likely = rng.uniform(20, 400)
        optimistic = most_likely * rng.uniform(0.6, 0.95)
        pessimistic = most_likely * rng.uniform(1.1, 2.5)
        table = _quantile_tables(np.array([[optimistic, most_likely, pessimistic]]), "pert")[0]
        u = rng.uniform() * (len(table) - 1)
        drawn = float(np.interp(u, np.arange(len(table)), table))
        out.append(
            Comparison(
                quantiles=three_point_quantiles(optimistic, most_likely, pessimistic),
                actual=bias * drawn,
            )
        )
    return out


def standard_error(found, level):
    low, high = found.interval(level)
    return (high - low) / (2 * 1.645)


@pytest.mark.parametrize("bias", [1.0, 1.18, 1.5, 0.85])
def test_the_fit_recovers_a_known_bias_at_every_level(bias):
    found = fit(history(600, bias, seed=11), activities=6000)
    assert found.sample_size == 600
    for level in LEVELS:
        se = standard_error(found, level)
        assert se < 0.05 * bias  # enough history for a sharp answer
        assert abs(found.factor(level) - bias) <= 4 * se, (level, found.factor(level))
    assert found.median_ratio == pytest.approx(bias, rel=0.05)


def test_well_calibrated_estimates_pass_their_p80_one_time_in_five():
    found = fit(history(2000, 1.0, seed=5), activities=20000)
    # binomial standard error of a share of 0.2 over 2,000 projects is 0.009
    assert abs(found.share_over_p80 - 0.2) <= 4 * 0.009


def test_the_interval_covers_the_true_bias_about_as_often_as_it_says():
    covered = 0
    trials = 120
    for seed in range(trials):
        found = fit(history(40, 1.25, seed=1000 + seed), activities=400, draws=300, seed=seed)
        low, high = found.interval(0.8)
        covered += low <= 1.25 <= high
    # a 90 % interval; the bootstrap of a quantile from 40 projects runs a little narrow
    assert 0.75 * trials <= covered <= 0.99 * trials


def test_it_refuses_below_the_minimum_number_of_projects():
    with pytest.raises(CalibrationRefused, match="3 completed projects .* at least 4"):
        fit(history(3, 1.2, seed=1), activities=100)


def test_it_refuses_below_the_minimum_number_of_activities():
    with pytest.raises(CalibrationRefused, match="12 finished estimated activities"):
        fit(history(10, 1.2, seed=1), activities=12)


def test_projects_without_actual_figures_do_not_count_towards_the_sample():
    rows = history(4, 1.2, seed=2) + [Comparison(quantiles=(0.0,) * len(LEVELS), actual=5.0)]
    assert fit(rows, activities=50).sample_size == 4
    with pytest.raises(CalibrationRefused):
        fit(rows[:3] + rows[4:], activities=50)


def test_the_calibrated_forecast_scales_the_plain_one_by_the_factor():
    found = fit(history(500, 1.3, seed=3), activities=5000)
    rng = np.random.default_rng(0)
    finish = rng.uniform(100, 200, 20_000)
    cost = rng.uniform(1000, 2000, 20_000)
    plain_p80 = np.quantile(finish, 0.8)
    result = calibrate(
        finish_samples=finish,
        cost_samples=cost,
        base=(120.0, 1200.0),
        confidence=0.8,
        finish_fit=found,
        cost_fit=None,
        target=(180.0, None),
    )
    assert result.p80["finish"] == pytest.approx(plain_p80 * found.factor(0.8), rel=0.01)
    assert result.p80["cost"] == pytest.approx(np.quantile(cost, 0.8), rel=0.01)
    assert result.contingency["finish"] == pytest.approx(result.p80["finish"] - 120, abs=0.01)
    # plainly 80 % of runs finish by 180; with a 1.3× history far fewer do
    plain_chance = float(np.mean(finish <= 180))
    assert result.constraint_probability["finish"] < plain_chance - 0.3
    assert result.sample_size == 500


def test_a_calibrated_curve_never_goes_down():
    found = calibration.Fit(
        measure="finish",
        sample_size=10,
        activities=100,
        factors=(2.0, 1.8, 1.6, 1.4, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7),
        low=(1,) * 10,
        high=(2,) * 10,
        median_ratio=1.2,
        share_over_p80=0.2,
        log_mean=0.1,
        log_sd=0.1,
    )
    curve = calibration.calibrated_curve([0.1, 0.5, 0.9, 0.95], [100, 101, 102, 103], found)
    assert curve == sorted(curve)


def test_accuracy_groups_show_the_most_over_run_first():
    groups = [
        calibration.Accuracy("Ana", 3, 1.0, 0.0),
        calibration.Accuracy("Sam", 4, 1.45, 1.0),
        calibration.Accuracy("Nobody", 0, None, None),
    ]
    assert [a.label for a in calibration.most_over_run_first(groups)] == ["Sam", "Ana"]
