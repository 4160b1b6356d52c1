"""Benchmark: calibration over 1,000 completed projects with 100,000 finished activities.

Run from the repository root:

    RAPPORT_ENV=test .venv/bin/python bench/bench_calibration.py

Fills a throwaway SQLite database with an organisation's history (1,000 completed projects, each
with its project-level track record and 100 activity records, so 100,000 in all: written in bulk,
as the generator for this benchmark, not through the services), then prints the median of a few
runs for:

- the refit when a project completes (calibration_refresh: read 1,000 records, fit, bootstrap,
  save the cached fit);
- what calibration adds to one simulation: reading the cached fit (one query) and calibrating the
  samples (rapport.estimates.services._calibrated), for a 100-activity estimate at 10,000
  iterations; and a whole saved simulation_run with and without a fit, for scale;
- the track-record summary behind the organisation's page and API.

Budget (issue 15): calibration adds under 100 ms to a simulation. Figures only: no assertion.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script

PROJECTS = 1_000
ACTIVITIES_PER_PROJECT = 100
ESTIMATE_ACTIVITIES = 100
ITERATIONS = 10_000
RUNS = 5
SEED = 20261203


def setup_django(db_path: str) -> None:
    os.environ.setdefault("RAPPORT_ENV", "test")
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:  # a throwaway database: no need to wait for the disk
        cursor.execute("PRAGMA synchronous=OFF")


def timed(label: str, fn, runs: int = RUNS):
    """Median wall-clock and CPU time of ``runs`` calls: on a shared, busy machine the wall clock
    includes waiting for a core, the CPU time is the work itself."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(f"  {label:<58} {wall:9.1f} ms wall {cpu:9.1f} ms CPU")
    return result, wall, cpu


def history(org, rng: random.Random) -> None:
    """1,000 completed projects whose outcomes run ~1.25× their estimates, in bulk."""
    from rapport.estimates import calibration
    from rapport.estimates.models import TrackRecord
    from rapport.projects.models import Project, ProjectState

    projects = Project.objects.bulk_create(
        Project(
            org=org,
            code=f"H{n:04d}",
            name=f"Past project {n}",
            state=ProjectState.COMPLETED,
            start_date=date(2020, 1, 6) + timedelta(days=n),
        )
        for n in range(PROJECTS)
    )
    people = [f"Estimator {k}" for k in range(40)]
    kinds = ["task", "deliverable", "decision", "milestone"]
    batch: list[TrackRecord] = []
    for project in projects:
        p50 = rng.uniform(40, 400)
        quantiles = [p50 * (0.8 + 0.4 * q) for q in calibration.LEVELS]
        actual = p50 * rng.lognormvariate(0.22, 0.2)
        batch.append(
            TrackRecord(
                project=project,
                name=project.name,
                kind="project",
                finish_quantiles=quantiles,
                finish_p50=quantiles[4],
                finish_p80=quantiles[7],
                finish_actual=actual,
                cost_quantiles=[v * 1000 for v in quantiles],
                cost_p50=quantiles[4] * 1000,
                cost_p80=quantiles[7] * 1000,
                cost_actual=actual * 1000 * rng.uniform(0.9, 1.1),
                finished_on=project.start_date + timedelta(days=int(actual * 1.4)),
            )
        )
        for a in range(ACTIVITIES_PER_PROJECT):
            m = rng.uniform(2, 30)
            q = [m * (0.8 + 0.5 * level) for level in calibration.LEVELS]
            batch.append(
                TrackRecord(
                    project=project,
                    activity=None,
                    name=f"Activity {a}",
                    kind=kinds[a % 4],
                    phase_name=f"Phase {a % 5}",
                    method="expert",
                    estimator_name=people[(a + project.pk) % len(people)],
                    finish_quantiles=q,
                    finish_p50=q[4],
                    finish_p80=q[7],
                    finish_actual=m * rng.lognormvariate(0.15, 0.3),
                    cost_quantiles=q,
                    cost_p50=q[4],
                    cost_p80=q[7],
                )
            )
        if len(batch) >= 20_000:
            _save(batch)
            batch = []
    _save(batch)


def _save(batch) -> None:
    """Activity records need an activity row for the one-per-activity constraint: point each at
    a stand-in activity of its project (made in bulk here)."""
    from rapport.estimates.models import TrackRecord
    from rapport.raci.models import Activity

    stand_ins = [
        Activity(project=r.project, name=f"{r.name} ({r.project.code})")
        for r in batch
        if r.kind != "project"
    ]
    made = iter(Activity.objects.bulk_create(stand_ins, batch_size=5_000))
    for r in batch:
        if r.kind != "project":
            r.activity = next(made)
    TrackRecord.objects.bulk_create(batch, batch_size=5_000)


def estimate(org):
    """The project to simulate: 100 activities in chains of ten."""
    from rapport.accounts import services as accounts
    from rapport.estimates import services
    from rapport.projects import services as projects
    from rapport.raci import services as raci

    pm = accounts.user_create(email="pm@bench.example", password="x" * 16, full_name="PM")
    project = projects.project_create(
        actor=pm, org=org, code="NOW", name="Current project", start_date=date(2027, 1, 4)
    )
    made = [
        raci.activity_create(actor=pm, project=project, name=f"Work {i}")
        for i in range(ESTIMATE_ACTIVITIES)
    ]
    services.estimates_set_many(
        actor=pm,
        project=project,
        reason="bench",
        rows=[
            {
                "activity": a,
                "duration": [5, 8, 14],
                "cost": [4000, 6000, 9000],
                "predecessors": [made[i - 1]] if i % 10 else [],
            }
            for i, a in enumerate(made)
        ],
    )
    return pm, project


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        from rapport.accounts import services as accounts
        from rapport.estimates import rules, selectors, services
        from rapport.estimates.models import CalibrationFit, TrackRecord
        from rapport.estimates.track_record import calibration_refresh, track_record_summary

        org = accounts.org_create(actor=None, slug="bench", name="Bench Org")
        started = time.perf_counter()
        history(org, random.Random(SEED))
        print(
            f"History: {PROJECTS:,} completed projects, "
            f"{TrackRecord.objects.filter(activity__isnull=False).count():,} finished activities "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )
        pm, project = estimate(org)

        print("When a project completes:")
        fit_row, _, _ = timed(
            "refit the organisation (calibration_refresh)", lambda: calibration_refresh(org)
        )
        print(
            f"    → P80 factor {fit_row.finish['factors'][7]:.3f} over {fit_row.projects:,} projects "
            # actual = P50 × lognormal(0.22, 0.2) and P80 = 1.12 × P50 in the generator
            f"(truth: exp(0.22 + 0.8416 × 0.2) ÷ 1.12 = {math.exp(0.22 + 0.8416 * 0.2) / 1.12:.3f})"
        )

        print(f"One simulation ({ESTIMATE_ACTIVITIES} activities, {ITERATIONS:,} iterations):")
        inputs = selectors.simulation_inputs(project)
        result = rules.simulate(inputs.activities, iterations=ITERATIONS, seed=SEED)
        _, added, added_cpu = timed(
            "calibration added (cached fit: 1 query + calibrate)",
            lambda: services._calibrated(project, result, None),
        )
        _, with_fit, _ = timed(
            "simulation_run, calibrated",
            lambda: services.simulation_run(
                actor=pm, project=project, iterations=ITERATIONS, seed=SEED
            ),
        )
        cached = CalibrationFit.objects.get(org=org)
        CalibrationFit.objects.filter(pk=cached.pk).delete()
        _, without, _ = timed(
            "simulation_run, no fit cached",
            lambda: services.simulation_run(
                actor=pm, project=project, iterations=ITERATIONS, seed=SEED
            ),
        )
        calibration_refresh(org)
        print(
            f"    → calibration adds {added:.1f} ms wall, {added_cpu:.1f} ms CPU (budget 100 ms); "
            "whole run "
            f"{with_fit:.0f} ms calibrated against {without:.0f} ms plain"
        )

        print("The track-record page and API:")
        timed(
            "track_record_summary (every record of the organisation)",
            lambda: track_record_summary(None, org),
            runs=3,
        )


if __name__ == "__main__":
    main()
