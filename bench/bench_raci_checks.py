"""Benchmark: the RACI checks on a loaded matrix against their floor (pure logic, no database).

Run from the repository root:

    RAPPORT_ENV=test .venv/bin/python bench/bench_raci_checks.py

Issue 12's target: the checks on a loaded 1,000 x 200 matrix with 20,000 letters within 2x of a
minimal pure-Python pass that returns identical findings (the floor, written below and timed in the
same run), under 30 ms, and linear (10x the letters in at most 11x the time: 2,000 -> 20,000 ->
200,000 letters, 200 parties throughout).

App time is ``selectors.raci_findings(matrix)`` on a ``selectors.Matrix`` built in memory exactly
as ``matrix_get`` builds it from the database. The object API (``rules.raci_check`` on 20,000
``Assignment`` objects, what imports use) is printed for comparison.

Builds seeded random projects with a realistic mix: mostly tasks, some milestones, decisions and
deliverables; about two thirds open; a few groups and a quarter customers (a few of them
forgotten, in no cell); one Accountable on most activities (a few with none or two, rarely a
group), a few Responsible, some Consulted and the rest Informed, with a handful of leads owning
much of the work; a tenth of the outcomes served by no activity; some closed activities signed off
with part of their Consulted input recorded. Prints medians and the findings. Figures only: no
assertion on time (budgets live here, not in unit tests); the floor's findings are asserted equal
to the app's.
"""

from __future__ import annotations

import dataclasses
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script
os.environ.setdefault("RAPPORT_ENV", "test")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")  # never opened: no query is made
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
import django  # noqa: E402

django.setup()

from rapport.raci import selectors  # noqa: E402 - after the path insertion above
from rapport.raci.rules import (  # noqa: E402
    KEY_KINDS,
    Activity,
    Assignment,
    Finding,
    Outcome,
    Party,
    Thresholds,
    raci_check,
)

RUNS = 9
SEED = 20260101


def build_project(n_activities: int, n_parties: int, n_assignments: int, seed: int = SEED):
    """A seeded random project: activities, parties, exactly n_assignments cells, outcomes."""
    rng = random.Random(seed)
    outcomes = [Outcome(900_000 + k, f"Outcome {k}") for k in range(max(1, n_activities // 25))]

    parties = []
    for j in range(n_parties):
        is_customer = rng.random() < 0.25
        score = (lambda: rng.choice([None, 1, 2, 3, 4, 5])) if is_customer else (lambda: None)
        parties.append(
            Party(
                100_000 + j,
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
        is_open = rng.random() < 0.65
        activities.append(
            Activity(
                i + 1,
                f"Activity {i}",
                kind,
                is_open=is_open,
                accountable_does_work=rng.random() < 0.10,
                outcome_ids=tuple(outcomes[k].id for k in served),
                signed_off=not is_open and rng.random() < 0.7,
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
    # Most Consulted parties on a signed-off activity have their input recorded; some do not.
    inputs: dict[int, set[int]] = {}
    for cell in assignments:
        if cell.letter == "C" and rng.random() < 0.8:
            inputs.setdefault(cell.activity_id, set()).add(cell.party_id)
    activities = [
        dataclasses.replace(a, input_from=inputs[a.id]) if a.signed_off and a.id in inputs else a
        for a in activities
    ]
    rng.shuffle(assignments)
    return activities, parties, assignments, outcomes


def loaded_matrix(activities, parties, assignments, outcomes) -> selectors.Matrix:
    """The project as ``matrix_get`` returns it after loading it from the database."""
    letters: dict[int, dict[int, str]] = {}
    for cell in sorted(assignments, key=lambda cell: (cell.activity_id, cell.party_id)):
        letters.setdefault(cell.activity_id, {})[cell.party_id] = cell.letter
    statuses = {True: "in_progress", False: "cancelled"}
    return selectors.Matrix(
        phases=[],
        activities=[
            selectors.MatrixActivity(
                id=a.id,
                name=a.name,
                kind=a.kind,
                status="done" if a.signed_off else statuses[a.is_open],
                phase_id=None,
                position=position,
                accountable_does_work=a.accountable_does_work,
                outcome_ids=a.outcome_ids,
            )
            for position, a in enumerate(activities)
        ],
        parties=[
            selectors.MatrixParty(
                id=p.id,
                name=p.name,
                kind="group" if p.is_group else "person",
                organisation="",
                is_customer=p.is_customer,
                power=p.power,
                interest=p.interest,
            )
            for p in parties
        ],
        letters=letters,
        outcomes=[selectors.MatrixOutcome(o.id, o.name, False) for o in outcomes],
        thresholds=Thresholds(),
        assignment_count=len(assignments),
        inputs={a.id: set(a.input_from) for a in activities if a.input_from},
    )


def floor_findings(matrix: selectors.Matrix) -> list[Finding]:
    """The floor: the fewest steps that give the same findings, nothing validated or shared.

    One loop over each row's letters and one over the parties, with the findings' own messages.
    """
    limit, share_limit = matrix.thresholds.max_consulted, matrix.thresholds.overload_share
    key_level = matrix.thresholds.key_level
    by_id = {p.id: p for p in matrix.parties}
    column = {p.id: n for n, p in enumerate(matrix.parties)}
    errors, warnings = [], []
    seen, on_key, served, load = set(), set(), set(), {}
    open_total, has_key = 0, False
    for a in matrix.activities:
        row = matrix.letters.get(a.id, {})
        seen.update(row)
        if a.kind in KEY_KINDS:
            has_key = True
            on_key.update(row)
        served.update(a.outcome_ids)
        is_open, done = a.is_open, a.signed_off
        open_total += is_open
        given = matrix.inputs.get(a.id, ())
        owners, r, c, silent = [], 0, 0, []
        for p, letter in row.items():
            if letter == "A":
                owners.append(p)
            elif letter == "R":
                r += 1
            elif letter == "C":
                c += 1
                if done and p not in given:
                    silent.append(p)
                continue
            else:
                continue
            if is_open:
                load[p] = load.get(p, 0) + 1
        if not owners:
            errors.append(
                Finding(
                    "no-accountable",
                    "error",
                    f"Nobody is Accountable for '{a.name}': choose the one person who owns it and "
                    "signs it off.",
                    a.id,
                    activity_name=a.name,
                )
            )
        elif len(owners) > 1:
            owners.sort(key=column.__getitem__)
            names = [by_id[p].name for p in owners]
            listed = f"{', '.join(names[:-1])} and {names[-1]}"
            errors.append(
                Finding(
                    "multiple-accountable",
                    "error",
                    f"'{a.name}' has {len(owners)} Accountable ({listed}): keep exactly one owner "
                    "and make the others Responsible or Consulted.",
                    a.id,
                    activity_name=a.name,
                )
            )
        if not r and not (owners and a.accountable_does_work):
            warnings.append(
                Finding(
                    "no-responsible",
                    "warning",
                    f"Nobody is Responsible for doing '{a.name}': assign someone, or mark that "
                    "the Accountable person does the work.",
                    a.id,
                    activity_name=a.name,
                )
            )
        if c > limit:
            warnings.append(
                Finding(
                    "too-many-consulted",
                    "warning",
                    f"'{a.name}' has {c} parties Consulted, more than the limit of {limit}: every "
                    "one of them slows the decision; make some of them Informed.",
                    a.id,
                    activity_name=a.name,
                )
            )
        about = [
            (
                column[p],
                f"'{by_id[p].name}' is Accountable for '{a.name}' but is a group: name "
                "the one person in it who signs it off.",
                "accountable-is-group",
                p,
            )
            for p in owners
            if by_id[p].kind == "group"
        ] + [
            (
                column[p],
                f"'{a.name}' was signed off without input from '{by_id[p].name}', who is "
                "Consulted: record their input (when and what), or ask for it now.",
                "signed-off-without-input",
                p,
            )
            for p in silent
        ]
        about.sort()
        warnings += [
            Finding(code, "warning", text, a.id, p, None, a.name, by_id[p].name)
            for _, text, code, p in about
        ]
    for p in matrix.parties:
        n = load.get(p.id, 0)
        if n and p.kind != "group" and n / open_total > share_limit:
            warnings.append(
                Finding(
                    "overloaded",
                    "warning",
                    f"'{p.name}' is Responsible or Accountable for {n} of the {open_total} open "
                    f"activities ({n / open_total:.0%}), more than the {share_limit:.0%} limit: "
                    "share the work out.",
                    party_id=p.id,
                    party_name=p.name,
                )
            )
        if not p.is_customer:
            continue
        if p.id not in seen:
            warnings.append(
                Finding(
                    "customer-not-in-raci",
                    "warning",
                    f"Customer '{p.name}' appears nowhere in the RACI: give them at least an I on "
                    "the activities they need to hear about.",
                    party_id=p.id,
                    party_name=p.name,
                )
            )
        key = [
            f"{label} {score}"
            for label, score in (("power", p.power), ("interest", p.interest))
            if score is not None and score >= key_level
        ]
        if key and p.id not in on_key:
            where = (
                "make them Consulted or Informed on the milestones and decisions that matter to "
                "them, and check that the communication plan keeps them aware."
                if has_key
                else "the plan has no milestones or decisions yet; until it has, keep them "
                "informed through the communication plan."
            )
            warnings.append(
                Finding(
                    "key-customer-not-informed",
                    "warning",
                    f"Key customer '{p.name}' ({', '.join(key)}) is neither Consulted nor Informed "
                    f"on any milestone or decision: {where}",
                    party_id=p.id,
                    party_name=p.name,
                )
            )
    warnings += [
        Finding(
            "outcome-not-served",
            "warning",
            f"No activity serves the outcome '{o.title}': link the activities that deliver it, "
            "or ask the customer whether it is still wanted.",
            outcome_id=o.id,
        )
        for o in matrix.outcomes
        if o.id not in served
    ]
    return errors + warnings


def median_time(function, runs: int = RUNS, repeat: int = 1) -> tuple[float, object]:
    """Median CPU time of this process: the machine is shared, and wall time would add the
    waits for a core, which grow with the length of a run (a 1 ms run rarely waits, a 20 ms one
    often does) and would look like a super-linear cost."""
    timings, result = [], None
    for _ in range(runs):
        started = time.process_time()
        for _ in range(repeat):  # a sub-millisecond call is repeated, to time it precisely
            result = function()
        timings.append((time.process_time() - started) / repeat)
    return statistics.median(timings), result


def measure(n_activities: int, n_parties: int, n_letters: int, *, details: bool = False) -> dict:
    """App and floor on one loaded matrix, timed alternately in the same run."""
    project = build_project(n_activities, n_parties, n_letters)
    matrix = loaded_matrix(*project)
    runs = RUNS if n_letters <= 20_000 else 3
    repeat = max(1, 20_000 // n_letters)
    app, findings = median_time(lambda: selectors.raci_findings(matrix), runs, repeat)
    floor, floor_found = median_time(lambda: floor_findings(matrix), runs, repeat)
    # Back to back once more, so that a busy neighbour on the machine hits both alike.
    app = min(app, median_time(lambda: selectors.raci_findings(matrix), runs, repeat)[0])
    floor = min(floor, median_time(lambda: floor_findings(matrix), runs, repeat)[0])
    assert floor_found == findings, "the floor must find exactly what the app finds"
    print(
        f"{n_activities:>6,} activities x {n_parties:,} parties, {n_letters:>7,} letters: "
        f"app {app * 1000:7.1f} ms, floor {floor * 1000:7.1f} ms, ratio {app / floor:.2f}x "
        f"({len(findings):,} findings)"
    )
    if details:
        activities, parties, assignments, outcomes = project
        objects, _ = median_time(
            lambda: raci_check(activities, parties, assignments, Thresholds(), outcomes), runs
        )
        print(
            f"    for comparison, raci_check on {len(assignments):,} Assignment objects "
            f"(the object API imports use): {objects * 1000:.1f} ms"
        )
        for code, count in sorted(Counter(f.code for f in findings).items()):
            print(f"        {code:<28}{count:>7,}")
    return {"letters": n_letters, "app": app, "floor": floor}


def main() -> None:
    """The 1,000 x 200 matrix against its floor, then how the time grows with the letters."""
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(
        f"RACI checks on a loaded matrix (Python {sys.version.split()[0]}, seed {SEED}, "
        f"{os.cpu_count()} cores, load average {load}; CPU time, median of {RUNS} runs)"
    )
    print("target: app <= 2x floor and < 30 ms at 20,000 letters; 10x the letters <= 11x the time")
    small = measure(100, 200, 2_000)
    middle = measure(1_000, 200, 20_000, details=True)
    large = measure(10_000, 200, 200_000)
    for low, high in ((small, middle), (middle, large)):
        print(
            f"linearity: {high['letters'] / low['letters']:.0f}x the letters "
            f"({low['letters']:,} -> {high['letters']:,}) took {high['app'] / low['app']:.2f}x "
            f"the app time (floor: {high['floor'] / low['floor']:.2f}x)"
        )


if __name__ == "__main__":
    main()
