"""Benchmark: time raci_check on large generated RACI matrices (pure logic, no database).

Run from the repository root:

    RAPPORT_ENV=test .venv/bin/python bench/bench_raci_checks.py

Builds seeded random projects (1,000 activities x 200 parties with 20,000 assignments, then
5,000 x 400 with 100,000) with a realistic mix: mostly tasks, some milestones, decisions and
deliverables; about two thirds open; a few groups and a quarter customers (a few of them
forgotten, in no cell); one Accountable on most activities (a few with none or two, rarely a
group), a few Responsible, some Consulted and the rest Informed, with a handful of leads owning
much of the work; a tenth of the outcomes served by no activity. Prints the median of 5 runs and the
findings. Figures only: no assertion on time (budgets live here, not in unit tests).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from rapport.raci.rules import (  # noqa: E402 - after the path insertion above
    Activity,
    Assignment,
    Outcome,
    Party,
    Thresholds,
    raci_check,
)

RUNS = 5
SEED = 20260101


def build_project(n_activities: int, n_parties: int, n_assignments: int, seed: int = SEED):
    """A seeded random project: activities, parties, exactly n_assignments cells, outcomes."""
    rng = random.Random(seed)
    outcomes = [Outcome(f"o{k}", f"Outcome {k}") for k in range(max(1, n_activities // 25))]

    parties = []
    for j in range(n_parties):
        is_customer = rng.random() < 0.25
        score = (lambda: rng.choice([None, 1, 2, 3, 4, 5])) if is_customer else (lambda: None)
        parties.append(
            Party(
                f"p{j}",
                f"Party {j}",
                is_group=rng.random() < 0.12,
                is_customer=is_customer,
                power=score(),
                interest=score(),
            )
        )
    # Some customers were registered and then forgotten: they appear in no cell.
    forgotten = {j for j, p in enumerate(parties) if p.is_customer and rng.random() < 0.06}
    in_matrix = [j for j in range(n_parties) if j not in forgotten]
    people = [j for j in in_matrix if not parties[j].is_group]
    groups = [j for j in in_matrix if parties[j].is_group]
    # A few leads own much of the work: weight people by a long-tailed draw.
    lead_weights = [rng.paretovariate(1.5) for _ in people]

    activities = []
    for i in range(n_activities):
        kind = rng.choices(["task", "milestone", "decision", "deliverable"], [70, 10, 10, 10])[0]
        # The last tenth of the outcomes were agreed late and no activity serves them yet.
        served = rng.sample(range(int(len(outcomes) * 0.9)), rng.choice([0, 0, 1, 1, 2]))
        activities.append(
            Activity(
                f"a{i}",
                f"Activity {i}",
                kind,
                is_open=rng.random() < 0.65,
                accountable_does_work=rng.random() < 0.10,
                outcome_ids=tuple(outcomes[k].id for k in served),
            )
        )

    # Row sizes around the mean, then nudged so the total is exactly n_assignments.
    mean = n_assignments / n_activities
    low, high = max(1, int(mean * 0.5)), min(n_parties, int(mean * 1.5) + 1)
    sizes = [rng.randint(low, high) for _ in range(n_activities)]
    while (gap := n_assignments - sum(sizes)) != 0:
        i = rng.randrange(n_activities)
        step = 1 if gap > 0 else -1
        if low <= sizes[i] + step <= high:
            sizes[i] += step

    assignments = []
    for activity, size in zip(activities, sizes, strict=True):
        chosen: list[int] = []
        taken: set[int] = set()
        accountables = rng.choices([1, 0, 2], [95, 3, 2])[0]
        while len(chosen) < min(accountables, size):
            # Now and then a whole team is made Accountable.
            pool, weights = (groups, None) if rng.random() < 0.01 else (people, lead_weights)
            j = rng.choices(pool, weights)[0]
            if j not in taken:
                taken.add(j)
                chosen.append(j)
        n_accountable = len(chosen)
        others = [j for j in rng.sample(in_matrix, min(len(in_matrix), size + 2)) if j not in taken]
        chosen += others[: size - n_accountable]
        n_responsible = rng.choice([0, 1, 1, 2, 3]) if not activity.accountable_does_work else 0
        n_consulted = rng.randint(0, 7)
        for position, j in enumerate(chosen):
            if position < n_accountable:
                letter = "A"
            elif position < n_accountable + n_responsible:
                letter = "R"
            elif position < n_accountable + n_responsible + n_consulted:
                letter = "C"
            else:
                letter = "I"
            assignments.append(Assignment(activity.id, parties[j].id, letter))
    rng.shuffle(assignments)
    return activities, parties, assignments, outcomes


def measure(n_activities: int, n_parties: int, n_assignments: int) -> dict:
    """Build one project, run all checks RUNS times, print and return the figures."""
    started = time.perf_counter()
    activities, parties, assignments, outcomes = build_project(
        n_activities, n_parties, n_assignments
    )
    built = time.perf_counter() - started
    cells = len(activities) + len(parties) + len(assignments)

    def run(cells: list[Assignment]) -> tuple[list[float], list]:
        timings, findings = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            findings = raci_check(activities, parties, cells, Thresholds(), outcomes)
            timings.append(time.perf_counter() - started)
        return timings, findings

    timings, findings = run(assignments)
    median = statistics.median(timings)
    # The same cells row by row: separates the algorithm from memory locality (cache misses).
    row_of = {activity.id: i for i, activity in enumerate(activities)}
    in_rows = sorted(assignments, key=lambda cell: row_of[cell.activity_id])
    row_median = statistics.median(run(in_rows)[0])

    by_code = Counter(f.code for f in findings)
    by_severity = Counter(f.severity for f in findings)
    print(
        f"{n_activities:>6,} activities x {n_parties:>4,} parties, {len(assignments):>7,} "
        f"assignments ({cells:,} cells; generated in {built:.2f} s)"
    )
    print(
        f"    all checks: median {median * 1000:8.1f} ms of {RUNS} runs "
        f"(min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f}); "
        f"{median / cells * 1e6:.2f} us per cell"
    )
    print(
        f"    same cells in row order: median {row_median * 1000:8.1f} ms; "
        f"{row_median / cells * 1e6:.2f} us per cell"
    )
    print(
        f"    findings: {len(findings):,} "
        f"({by_severity['error']:,} errors, {by_severity['warning']:,} warnings)"
    )
    for code, count in sorted(by_code.items()):
        print(f"        {code:<28}{count:>7,}")
    return {"cells": cells, "median": median, "row_median": row_median}


def main() -> None:
    """Run both sizes and print how the time grew against the number of cells."""
    print(f"raci_check benchmark (Python {sys.version.split()[0]}, seed {SEED})")
    small = measure(1_000, 200, 20_000)
    large = measure(5_000, 400, 100_000)
    cell_ratio = large["cells"] / small["cells"]
    time_ratio = large["median"] / small["median"]
    row_ratio = large["row_median"] / small["row_median"]
    print(
        f"growth: {cell_ratio:.2f}x the cells took {time_ratio:.2f}x the time shuffled, "
        f"{row_ratio:.2f}x in row order (linear: {cell_ratio:.2f}x; activities x parties grew "
        f"{(5_000 * 400) / (1_000 * 200):.0f}x)"
    )
    print(
        "(one pass per cell: the extra per-cell cost on the larger matrix is memory access, "
        "worst when the cells arrive in random order)"
    )


if __name__ == "__main__":
    main()
