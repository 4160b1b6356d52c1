"""Benchmark: an estimate of 1,000 activities with dependencies, end to end through Django.

Run from the repository root:

    RAPPORT_ENV=test .venv/bin/python bench/bench_estimate_page.py

Builds the estimate in a throwaway SQLite database through the services (one version for the
whole sheet, dependencies in one go: 0–3 earlier activities each, so always acyclic), then
prints the median of a few runs for: reading the network (simulation_inputs), a saved run of
10,000 iterations (simulation_run: read + simulate + save), the estimate page through the test
client (charts drawn afresh, then cached), its query count and size, the versions page, and the
sponsor's PDF. The pure simulation alone is in bench_monte_carlo.py. Figures only: no assertion
on time (the constant query count is asserted in tests/estimates/test_estimate_pages.py).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script

ACTIVITIES = 1_000
ITERATIONS = 10_000
RUNS = 3
SEED = 20261122


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


def timed(label: str, fn, runs: int = RUNS):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    print(f"  {label:<52} median {statistics.median(times) * 1000:8.0f} ms")
    return result


def pdf_pages_and_attachments(pdf: bytes, tmp: str) -> str:
    """'7 pages, attached: X.xlsx', read by poppler (pdfinfo, pdfdetach) when it is installed."""
    if not (shutil.which("pdfinfo") and shutil.which("pdfdetach")):
        return "pages and attachments unknown (install poppler-utils)"
    path = Path(tmp) / "explanation.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
    listed = subprocess.run(["pdfdetach", "-list", path], capture_output=True, text=True).stdout
    names = [line.split(": ", 1)[1] for line in listed.splitlines()[1:] if ": " in line]
    return f"{pages} pages, attached: {', '.join(names) or 'nothing'}"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from rapport.accounts import services as accounts
        from rapport.estimates import selectors, services
        from rapport.estimates.pdf import explanation_pdf
        from rapport.projects import services as projects
        from rapport.raci.models import Activity

        pm = accounts.user_create(
            email="pm@bench.example", password="bench-password-1", full_name="PM"
        )
        org = accounts.org_create(actor=pm, slug="bench", name="Bench")
        project = projects.project_create(
            actor=pm, org=org, code="BIG", name="Big estimate", start_date=date(2027, 1, 4)
        )
        Activity.objects.bulk_create(
            [
                Activity(project=project, name=f"Activity {n:04d}", position=n)
                for n in range(ACTIVITIES)
            ]
        )
        made = list(Activity.objects.filter(project=project).order_by("position"))
        rng = random.Random(SEED)
        rows = []
        for i, a in enumerate(made):
            o = rng.uniform(1, 5)
            m = o + rng.uniform(0, 5)
            p = m + rng.uniform(0, 10)
            rate = rng.uniform(400, 1200)
            k = rng.randint(0, 3) if i else 0
            rows.append(
                {
                    "activity": a,
                    "duration": [round(o, 2), round(m, 2), round(p, 2)],
                    "cost": [round(o * rate), round(m * rate), round(p * rate * 1.1)],
                    "predecessors": sorted(
                        {made[j] for j in rng.sample(range(i), min(k, i))}, key=lambda x: x.pk
                    ),
                }
            )
        start = time.perf_counter()
        services.estimates_set_many(actor=pm, project=project, rows=rows, reason="Bench sheet")
        edges = sum(len(r["predecessors"]) for r in rows)
        print(
            f"{ACTIVITIES:,} activities, {edges:,} dependencies: saved as one version in "
            f"{time.perf_counter() - start:.2f} s"
        )
        services.constraint_set(actor=pm, project=project, reason="Bench", budget=ACTIVITIES * 5000)

        timed("read the network (simulation_inputs)", lambda: selectors.simulation_inputs(project))
        run = timed(
            f"simulation_run, {ITERATIONS:,} iterations (read + simulate + save)",
            lambda: services.simulation_run(
                actor=pm, project=project, iterations=ITERATIONS, seed=1
            ),
        )
        print(f"    of which the simulation itself: {run.elapsed_ms} ms (last run)")

        client = Client()
        client.force_login(pm, backend="django.contrib.auth.backends.ModelBackend")
        url = "/o/bench/p/BIG/estimates/"
        import rapport.wsgi  # noqa: F401  (a web worker starts so: matplotlib loaded)

        if os.environ.get("BENCH_PROFILE_FIRST_VIEW"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            client.get(url)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        timed("estimate page, a web worker's first view", lambda: client.get(url), runs=1)
        from rapport.estimates import report as estimate_report

        def afresh():
            estimate_report._CHARTS.clear()
            return client.get(url)

        timed("estimate page, charts drawn afresh", afresh)
        response = timed("estimate page, charts cached", lambda: client.get(url))
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(
            f"    {len(queries.captured_queries)} queries, {len(response.content) / 1024:,.0f} KB"
        )
        timed("versions page", lambda: client.get(url + "versions/"))
        pdf = timed("explanation PDF (WeasyPrint)", lambda: explanation_pdf(project), runs=1)
        print(f"    {pdf_pages_and_attachments(pdf, tmp)}, {len(pdf) / 1024:,.0f} KB")


if __name__ == "__main__":
    main()
