"""Forecasts calibrated on the organisation's own history: reference-class forecasting. Pure logic
(NumPy only, no Django): plain data in, a fit and calibrated figures out.

The method is Flyvbjerg's *reference class forecasting* (Flyvbjerg 2006, "From Nobel Prize to
project management: getting risks right", Project Management Journal 37(3); Flyvbjerg 2008,
"Curbing optimism bias and strategic misrepresentation in planning", European Planning Studies
16(1)): instead of trusting one project's own view of itself (the "inside view"), look at how
the estimates of a class of similar, completed projects compared with what really happened (the
"outside view"), and correct the new estimate by that distribution.

What is fitted. For every completed project we know the estimate's quantiles at ``LEVELS``
(its P10 … P95, from the simulation of the estimate version in force at the baseline) and the
actual outcome (finish in working days, total cost). For each level q the *factor* is

    factor(q) = the q-quantile, over the reference class, of actual ÷ estimate-at-q

so factor(0.8) is the multiple of their P80 within which 80 % of the past projects finished. An
organisation whose estimates are well calibrated has factor(q) ≈ 1 at every level; one whose
projects overrun by a factor b (actual = b × what the estimate's own distribution says) has
factor(q) ≈ b at every level, whatever the shape of the estimates. The calibrated Pq of a new
project is its plain Pq × factor(q): "your P80 is 12 months; projects here finished within
1.18× their P80 in 80 % of cases, so the calibrated P80 is 14 months".

The quantiles are empirical (no shape is assumed for the overruns, as Flyvbjerg recommends for
small reference classes), with a bootstrap interval that says how much the answer could move on
another draw of history. A log-normal summary of actual ÷ P50 (its median and spread) is given
for reading, not used for the forecast. Below ``MIN_PROJECTS`` completed projects (or
``MIN_ACTIVITIES`` activities) the fit is refused: a handful of projects is an anecdote.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import rules

# the confidence levels an estimate is compared at (its P10 … P95)
LEVELS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
MIN_PROJECTS = 4
MIN_ACTIVITIES = 20
BOOTSTRAP_DRAWS = 400
INTERVAL = 0.9  # the bootstrap interval shown with each factor

FINISH, COST = "finish", "cost"


class CalibrationRefused(ValueError):
    """Too little history to calibrate on; the message says how much there is and is needed."""


@dataclass(frozen=True)
class Comparison:
    """One estimate against what happened: the estimate's values at ``LEVELS`` and the actual."""

    quantiles: tuple[float, ...]
    actual: float


def level_index(level: float) -> int:
    return LEVELS.index(level)


def three_point_quantiles(
    optimistic: float, most_likely: float, pessimistic: float, distribution: str = rules.PERT
) -> tuple[float, ...]:
    """The P10 … P95 (``LEVELS``) of one activity's three-point range, from the same quantile
    tables the simulation samples from."""
    table = rules._quantile_tables(
        np.array([[optimistic, most_likely, pessimistic]], dtype=float), distribution
    )[0]
    cells = len(table) - 1
    return tuple(float(np.interp(q * cells, np.arange(cells + 1), table)) for q in LEVELS)


def sample_quantiles(samples: np.ndarray) -> tuple[float, ...]:
    """The P10 … P95 of simulated samples, read as the simulation reads its P-values."""
    return tuple(float(v) for v in np.quantile(samples, LEVELS, method="inverted_cdf"))


@dataclass(frozen=True)
class Fit:
    """The distribution of actual ÷ estimated over the reference class, for finish or cost.

    ``factors[i]``: the LEVELS[i]-quantile of actual ÷ (estimate at LEVELS[i]); ``low`` / ``high``
    its bootstrap interval. ``median_ratio``: the median of actual ÷ P50 (1.0 = no bias);
    ``share_over_p80``: how often the actual passed the P80 (0.2 when calibrated). ``log_mean`` /
    ``log_sd``: a log-normal summary of actual ÷ P50."""

    measure: str
    sample_size: int  # projects
    activities: int
    factors: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    median_ratio: float
    share_over_p80: float
    log_mean: float
    log_sd: float

    def factor(self, level: float) -> float:
        """The factor at any confidence level: interpolated between LEVELS, held flat beyond."""
        return float(np.interp(level, LEVELS, self.factors))

    def interval(self, level: float) -> tuple[float, float]:
        return float(np.interp(level, LEVELS, self.low)), float(np.interp(level, LEVELS, self.high))

    def to_dict(self) -> dict:
        return {
            "measure": self.measure,
            "sample_size": self.sample_size,
            "activities": self.activities,
            "levels": list(LEVELS),
            "factors": [_r(v) for v in self.factors],
            "low": [_r(v) for v in self.low],
            "high": [_r(v) for v in self.high],
            "median_ratio": _r(self.median_ratio),
            "share_over_p80": _r(self.share_over_p80),
            "log_mean": _r(self.log_mean),
            "log_sd": _r(self.log_sd),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Fit:
        return cls(
            measure=data["measure"],
            sample_size=data["sample_size"],
            activities=data["activities"],
            factors=tuple(data["factors"]),
            low=tuple(data["low"]),
            high=tuple(data["high"]),
            median_ratio=data["median_ratio"],
            share_over_p80=data["share_over_p80"],
            log_mean=data["log_mean"],
            log_sd=data["log_sd"],
        )


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def refusal(projects: int, activities: int) -> str | None:
    """Why there is too little history to calibrate on, or None when there is enough."""
    if projects < MIN_PROJECTS:
        return (
            f"Not enough history to calibrate: {projects} completed project"
            f"{'' if projects == 1 else 's'} with a baseline estimate and actual figures; "
            f"at least {MIN_PROJECTS} are needed."
        )
    if activities < MIN_ACTIVITIES:
        return (
            f"Not enough history to calibrate: {activities} finished estimated activities; "
            f"at least {MIN_ACTIVITIES} are needed."
        )
    return None


def fit(
    comparisons: Sequence[Comparison],
    *,
    measure: str = FINISH,
    activities: int | None = None,
    seed: int = 0,
    draws: int = BOOTSTRAP_DRAWS,
) -> Fit:
    """Fit actual ÷ estimated over completed projects (see the module docstring). ``activities``
    is how many finished activities stand behind the projects (checked against the minimum).
    Comparisons with a non-positive estimate or a missing actual are left out. Raises
    :class:`CalibrationRefused` below the minimum sample."""
    usable = [
        c
        for c in comparisons
        if c.actual is not None
        and math.isfinite(c.actual)
        and c.actual >= 0
        and len(c.quantiles) == len(LEVELS)
        and min(c.quantiles) > 0
    ]
    n = len(usable)
    reason = refusal(n, MIN_ACTIVITIES if activities is None else activities)
    if reason:
        raise CalibrationRefused(reason)
    estimates = np.array([c.quantiles for c in usable], dtype=float)
    actual = np.array([c.actual for c in usable], dtype=float)
    ratios = actual[:, None] / estimates  # (projects, levels)
    levels = np.array(LEVELS)
    factors = np.array([np.quantile(ratios[:, j], q) for j, q in enumerate(LEVELS)])
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n, size=(draws, n))
    boot = np.stack(
        [np.quantile(ratios[picks, j], q, axis=1) for j, q in enumerate(levels)], axis=1
    )
    tail = (1 - INTERVAL) / 2
    low, high = np.quantile(boot, [tail, 1 - tail], axis=0)
    p50 = ratios[:, level_index(0.5)]
    logs = np.log(np.maximum(p50, 1e-9))
    return Fit(
        measure=measure,
        sample_size=n,
        activities=n if activities is None else activities,
        factors=tuple(float(v) for v in factors),
        low=tuple(float(v) for v in low),
        high=tuple(float(v) for v in high),
        median_ratio=float(np.median(p50)),
        share_over_p80=float(np.mean(actual > estimates[:, level_index(0.8)])),
        log_mean=float(logs.mean()),
        log_sd=float(logs.std(ddof=1)) if n > 1 else 0.0,
    )


# --- the calibrated forecast -------------------------------------------------------------------


def calibrated_curve(
    probabilities: Sequence[float], values: Sequence[float], fit_: Fit
) -> list[float]:
    """An S-curve (value reached with each probability) with every point multiplied by the
    factor at its level, kept non-decreasing."""
    scaled = np.array(
        [v * fit_.factor(p) for p, v in zip(probabilities, values, strict=True)], dtype=float
    )
    return [float(v) for v in np.maximum.accumulate(scaled)] if len(scaled) else []


def calibrated_samples(samples: np.ndarray, fit_: Fit) -> np.ndarray:
    """Each simulated sample multiplied by the factor at its own rank (its level in the run),
    kept in the same order (a non-decreasing quantile function), so the calibrated samples keep
    the joint spread of finish and cost and calibrated Pq = plain Pq × factor(q) wherever the
    factors do not fall faster than the plain curve rises."""
    n = len(samples)
    order = np.argsort(samples, kind="stable")
    ranks = (np.arange(n) + 1) / n
    scaled = np.asarray(samples, dtype=float)[order] * np.interp(ranks, LEVELS, fit_.factors)
    out = np.empty(n, dtype=float)
    out[order] = np.maximum.accumulate(scaled)
    return out


def chance_within(probabilities: Sequence[float], values: Sequence[float], limit: float) -> float:
    """P(outcome ≤ limit) read off an S-curve by linear interpolation."""
    if not len(values) or limit < values[0]:
        return 0.0
    if limit >= values[-1]:
        return 1.0
    return float(np.interp(limit, values, probabilities))


@dataclass(frozen=True)
class Calibrated:
    """The calibrated forecast beside the plain one: finish (working days) and cost at P50, P80,
    P90 and the run's confidence, the calibrated contingency on the base estimate, the calibrated
    chances of the sponsor's target and the factors used."""

    confidence: float
    p50: dict
    p80: dict
    p90: dict
    at_confidence: dict
    contingency: dict
    constraint_probability: dict | None
    factor: dict  # at the run's confidence: {"finish": …, "cost": …}
    interval: dict  # bootstrap interval of each factor
    sample_size: int
    activities: int

    def to_dict(self) -> dict:
        return {
            "p50": self.p50,
            "p80": self.p80,
            "p90": self.p90,
            "at_confidence": self.at_confidence,
            "confidence": self.confidence,
            "contingency": self.contingency,
            "constraint_probability": self.constraint_probability,
            "factor": self.factor,
            "interval": self.interval,
            "sample_size": self.sample_size,
            "activities": self.activities,
        }


def calibrate(
    *,
    finish_samples: np.ndarray,
    cost_samples: np.ndarray,
    base: tuple[float, float],
    confidence: float,
    finish_fit: Fit,
    cost_fit: Fit | None,
    target: tuple[float | None, float | None] | None = None,
) -> Calibrated:
    """The calibrated forecast from one simulation's samples. Without a cost fit (no actual
    costs on record) costs are left as simulated, factor 1, and said so by ``cost_fit`` None."""
    finish = calibrated_samples(finish_samples, finish_fit)
    cost = calibrated_samples(cost_samples, cost_fit) if cost_fit else np.asarray(cost_samples)

    def at(level: float) -> dict:
        f, c = (
            np.quantile(finish, level, method="inverted_cdf"),
            np.quantile(cost, level, method="inverted_cdf"),
        )
        return {"finish": _r(f), "cost": _r(c)}

    at_confidence = at(confidence)
    plain_finish = float(np.quantile(finish_samples, confidence, method="inverted_cdf"))
    plain_cost = float(np.quantile(cost_samples, confidence, method="inverted_cdf"))
    probability = None
    if target is not None and (target[0] is not None or target[1] is not None):
        finish_ok = finish <= target[0] if target[0] is not None else None
        cost_ok = cost <= target[1] if target[1] is not None else None
        both = finish_ok & cost_ok if finish_ok is not None and cost_ok is not None else None
        probability = {
            "finish": None if finish_ok is None else _r(finish_ok.mean()),
            "cost": None if cost_ok is None else _r(cost_ok.mean()),
            "both": None if both is None else _r(both.mean()),
        }
    return Calibrated(
        confidence=confidence,
        p50=at(0.5),
        p80=at(0.8),
        p90=at(0.9),
        at_confidence=at_confidence,
        contingency={
            "confidence": confidence,
            "finish": _r(at_confidence["finish"] - base[0]),
            "cost": _r(at_confidence["cost"] - base[1]),
        },
        constraint_probability=probability,
        # the effective factor at the run's confidence: calibrated ÷ plain
        factor={
            "finish": _r(at_confidence["finish"] / plain_finish) if plain_finish else None,
            "cost": _r(at_confidence["cost"] / plain_cost) if cost_fit and plain_cost else None,
        },
        interval={
            "finish": [_r(v) for v in finish_fit.interval(confidence)],
            "cost": [_r(v) for v in cost_fit.interval(confidence)] if cost_fit else None,
        },
        sample_size=finish_fit.sample_size,
        activities=finish_fit.activities,
    )


# --- breakdowns of the track record ------------------------------------------------------------


@dataclass(frozen=True)
class Accuracy:
    """How one group's estimates did: how many, the average of actual ÷ P50 (1.0 = on the
    estimate; 1.25 = a quarter over), and how often the actual passed the P80 (0.2 expected).
    Averaged in the database, so the page costs the same however long the history."""

    label: str
    count: int
    mean_ratio: float | None
    share_over_p80: float | None

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "count": self.count,
            "mean_ratio": _r(self.mean_ratio),
            "share_over_p80": _r(self.share_over_p80),
        }


def most_over_run_first(groups: Sequence[Accuracy]) -> list[Accuracy]:
    return sorted((g for g in groups if g.count), key=lambda a: (-(a.mean_ratio or 0), a.label))
