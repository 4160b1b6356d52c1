"""Monte Carlo estimate simulation: how long 10,000 iterations take over large random networks.

Run from the repository root: ``RAPPORT_ENV=test .venv/bin/python bench/bench_monte_carlo.py``.
Prints figures only (budget: 1,000 activities × 10,000 iterations in under a second). Each case
is run once to warm up (the Beta-PERT quantile table is built once per process), then three
times; the median is printed, as wall-clock time and as this process's CPU time (the CPU time is
the steadier figure when other work shares the machine).
"""

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapport.estimates.rules import ActivityEstimate, Target, ThreePoint, simulate  # noqa: E402

ITERATIONS = 10_000
RUNS = 3


def random_network(size: int, seed: int = 20240601) -> list[ActivityEstimate]:
    """``size`` activities, each depending on 0–3 earlier ones (so always acyclic), with
    skewed three-point durations (1–20 working days) and costs."""
    rng = np.random.default_rng(seed)
    activities = []
    for i in range(size):
        k = int(rng.integers(0, 4)) if i else 0
        predecessors = (
            tuple(f"A{j}" for j in sorted(set(rng.integers(0, i, k).tolist()))) if i else ()
        )
        o = float(rng.uniform(1, 5))
        m = o + float(rng.uniform(0, 5))
        p = m + float(rng.uniform(0, 10))
        rate = float(rng.uniform(400, 1200))  # cost per day
        activities.append(
            ActivityEstimate(
                id=f"A{i}",
                name=f"Activity {i}",
                duration=ThreePoint(o, m, p),
                cost=ThreePoint(o * rate, m * rate, p * rate * 1.1),
                predecessors=predecessors,
            )
        )
    return activities


def bench(size: int) -> None:
    activities = random_network(size)
    target = Target(finish_days=100.0, budget=size * 5_000.0)
    result = simulate(activities, iterations=ITERATIONS, seed=1, target=target)  # warm-up
    walls, cpus = [], []
    for run in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        simulate(activities, iterations=ITERATIONS, seed=run + 2, target=target)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    edges = sum(len(a.predecessors) for a in activities)
    print(
        f"{size:>5} activities, {edges:>5} dependencies, {ITERATIONS:,} iterations: "
        f"median {statistics.median(walls):.3f} s wall, {statistics.median(cpus):.3f} s CPU "
        f"(runs: {', '.join(f'{w:.3f}' for w in walls)} s)"
    )
    print(
        f"      P50 {result.p50.finish:.1f} d / P80 {result.p80.finish:.1f} d / "
        f"P90 {result.p90.finish:.1f} d; P80 cost {result.p80.cost:,.0f}; "
        f"activities ever critical: {sum(v > 0 for v in result.critical_frequency.values())}"
    )


if __name__ == "__main__":
    for size in (1_000, 5_000):
        bench(size)
