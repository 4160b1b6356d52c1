"""Benchmark: a 1,000 x 200 RACI with 20,000 letters, end to end through Django.

Run from the repository root:

    RAPPORT_ENV=test .venv/bin/python bench/bench_raci_matrix.py

Builds the matrix in a throwaway SQLite database (bulk inserts, seeded), then prints the median
of a few runs for: rendering the matrix page through the test client (the default page of 100
rows, and all 1,000 rows at once), the page's query count and size, loading the matrix and
computing every check, and exporting the grid as XLSX and CSV (and reading that XLSX back as an
import preview). Figures only: no assertion on time (budgets live here, not in unit tests; the
constant query count is asserted in tests/raci/test_matrix_page.py).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script

ACTIVITIES, PARTIES, LETTERS = 1_000, 200, 20_000
RUNS = 3
SEED = 20260401


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


def build(project) -> None:
    """Phases, parties on the project, activities and exactly LETTERS cells, in bulk."""
    from rapport.raci.models import Activity, Assignment, Phase
    from rapport.stakeholders.models import Party, ProjectStakeholder

    rng = random.Random(SEED)
    phases = Phase.objects.bulk_create(
        [Phase(project=project, name=f"Phase {n}", position=n) for n in range(1, 11)]
    )
    parties = Party.objects.bulk_create(
        [
            Party(
                org_id=project.org_id,
                name=f"Person {n:03d}",
                kind="group" if rng.random() < 0.1 else "person",
            )
            for n in range(PARTIES)
        ]
    )
    ProjectStakeholder.objects.bulk_create(
        [
            ProjectStakeholder(
                project=project,
                party=p,
                is_customer=rng.random() < 0.25,
                power=rng.choice([None, 1, 3, 5]),
                interest=rng.choice([None, 2, 4]),
            )
            for p in parties
        ]
    )
    activities = Activity.objects.bulk_create(
        [
            Activity(
                project=project,
                phase=phases[n * len(phases) // ACTIVITIES],
                name=f"Activity {n:04d}",
                kind=rng.choice(["task"] * 6 + ["milestone", "decision", "deliverable"]),
                status=rng.choice(["not_started", "in_progress", "in_progress", "done"]),
                position=n,
            )
            for n in range(ACTIVITIES)
        ]
    )
    cells = []
    per_row = LETTERS // ACTIVITIES
    for activity in activities:
        chosen = rng.sample(parties, per_row)
        owner = 0 if rng.random() > 0.03 else None  # a few activities have no Accountable
        for index, party in enumerate(chosen):
            letter = "A" if index == owner else rng.choice("RRCCIIII")
            cells.append(Assignment(activity=activity, party=party, letter=letter))
    Assignment.objects.bulk_create(cells, batch_size=5000)


def timed(function, runs=RUNS):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        from django.db import connection, reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from rapport.accounts import services as accounts
        from rapport.projects import services as projects
        from rapport.raci import importing, matrix_cache, selectors

        owner = accounts.user_create(
            email="bench@example.com", password="bench-password-123", full_name="Bench"
        )
        org = accounts.org_create(actor=owner, slug="bench", name="Bench Ltd")
        project = projects.project_create(actor=owner, org=org, code="BIG", name="Big rollout")
        start = time.perf_counter()
        build(project)
        print(
            f"Built {ACTIVITIES:,} activities x {PARTIES} parties with {LETTERS:,} letters "
            f"in {time.perf_counter() - start:.1f} s (bulk inserts)"
        )

        client = Client()
        client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
        url = "/o/bench/p/BIG/raci/"
        client.get(url)  # warm up templates and caches

        for label, query in (
            ("matrix page, 100 rows", ""),
            ("matrix page, all 1,000 rows", "?rows=all"),
        ):
            reset_queries()  # the query log is a bounded deque, full after the bulk build
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url + query)
            assert response.status_code == 200
            count = len(queries)  # read now: the next request empties the query log
            seconds, response = timed(lambda q=query: client.get(url + q))
            print(
                f"{label:34} {seconds * 1000:8.0f} ms  {len(response.content) / 1024:7.0f} KB  "
                f"{count} queries"
            )

        def data_floor():
            """The page's data at its floor: the same activities, parties and letters by raw
            SQL, serialised with json.dumps (the issue's yardstick for the page)."""
            import json

            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, name, status FROM raci_activity WHERE project_id = %s "
                    "ORDER BY position",
                    [project.pk],
                )
                activities = cursor.fetchall()
                cursor.execute(
                    "SELECT p.id, p.name FROM stakeholders_party p JOIN "
                    "stakeholders_projectstakeholder s ON s.party_id = p.id "
                    "WHERE s.project_id = %s",
                    [project.pk],
                )
                parties = cursor.fetchall()
                cursor.execute(
                    "SELECT a.activity_id, a.party_id, a.letter FROM raci_assignment a JOIN "
                    "raci_activity t ON t.id = a.activity_id WHERE t.project_id = %s",
                    [project.pk],
                )
                letters = cursor.fetchall()
            return json.dumps({"activities": activities, "parties": parties, "letters": letters})

        floor, _ = timed(data_floor)
        page, _ = timed(lambda: client.get(url))
        print(
            f"{'data floor (raw SQL + json.dumps)':34} {floor * 1000:8.0f} ms  "
            f"page of 100 rows: {page / floor:.1f}x the floor (target <= 2x)"
        )

        def first_view():
            """The page as the first request after a change sees it: the worker loads and
            checks the whole matrix again (rapport/raci/matrix_cache.py)."""
            matrix_cache.forget_all()
            return client.get(url)

        cold, _ = timed(first_view)
        print(
            f"{'  first view after a change':34} {cold * 1000:8.0f} ms  "
            f"{cold / floor:.1f}x the floor (the matrix loaded and checked again)"
        )

        seconds, matrix = timed(lambda: selectors.matrix_get(project))
        print(f"{'load the matrix (8 queries)':34} {seconds * 1000:8.0f} ms")
        seconds, findings = timed(lambda: selectors.raci_findings(matrix))
        counts = selectors.findings_summary(findings)
        print(
            f"{'compute all checks':34} {seconds * 1000:8.0f} ms  "
            f"({counts['error']} errors, {counts['warning']} warnings)"
        )
        letters = iter(["R", "C", "I", ""] * RUNS * 2)

        def save_cell():
            """A real change every time (the next letter of the cycle), as a PM clicking."""
            response = client.post(
                "/o/bench/p/BIG/raci/cell/",
                {
                    "activity": matrix.activities[0].id,
                    "party": matrix.parties[0].id,
                    "letter": next(letters),
                },
                HTTP_X_REQUESTED_WITH="fetch",
            )
            assert response.status_code == 200, response.content
            return response

        client.get(url)  # the worker holds the matrix, as after viewing the page
        seconds, _ = timed(save_cell)
        print(
            f"{'save one cell + findings panel':34} {seconds * 1000:8.0f} ms  (target: under 30 ms)"
        )

        seconds, (xlsx, _, _) = timed(
            lambda: importing.export_file(project, fmt="xlsx", layout="grid")
        )
        print(f"{'export XLSX (grid)':34} {seconds * 1000:8.0f} ms  {len(xlsx) / 1024:7.0f} KB")
        seconds, (text, _, _) = timed(
            lambda: importing.export_file(project, fmt="csv", layout="list")
        )
        print(f"{'export CSV (list)':34} {seconds * 1000:8.0f} ms  {len(text) / 1024:7.0f} KB")
        seconds, plan = timed(lambda: importing.plan_import(project=project, content=xlsx), runs=1)
        print(
            f"{'read that XLSX back (preview)':34} {seconds * 1000:8.0f} ms  "
            f"{plan.summary()['letters']:,} letters, {len(plan.problems)} problems"
        )


if __name__ == "__main__":
    main()
