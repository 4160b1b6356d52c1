"""Benchmark: the periodic run's scheduling step (`comms_schedule`) over 3,000 plan rows.

Run from the repository root:

    RAPPORT_ENV=test .venv/bin/python bench/bench_scheduling.py [--projects N]
    scripts/with-postgres.sh env RAPPORT_ENV=test .venv/bin/python bench/bench_scheduling.py --postgres

Builds a throwaway SQLite database with bench_reports' builder (N projects, default 1,000, each
with 10 parties), then gives every project 3 plan rows (3,000 rows) with 3 recipients each
(``--recipients N`` for another number), all due at 09:00 in Amsterdam on Monday 16 November
2026. Then times `comms_schedule`:

1. at 08:30 local, nothing due (every row only moves its ``last_run``, in bulk);
2. at 09:00:30 local, one occurrence due per row (3 deliveries per row by default: 9,000);
3. again at 09:00:30, everything already handled (nothing due, nothing created).

Prints rows, deliveries created, seconds (wall clock, and this process's CPU: SQLite works
in-process, and on a shared machine the wall clock counts others' work too) and the number of
queries. No assertion on time: figures only. ``--repeat N`` does all three N times over (the
same work each time) and prints the best of each. ``--postgres`` uses the throwaway database in
``DATABASE_URL`` instead of SQLite.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_reports, run as a plain script

from bench_reports import build, setup_django  # noqa: E402

ROWS_PER_PROJECT = (
    "FREQ=WEEKLY;BYDAY=MO",
    "FREQ=DAILY",
    "FREQ=WEEKLY;BYDAY=MO,WE,FR",
)
CREATED_AT = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)  # a Monday, before 09:00 in Amsterdam
RUNS = (
    ("nothing due", datetime(2026, 11, 16, 7, 30, tzinfo=UTC)),
    ("one occurrence due per row", datetime(2026, 11, 16, 8, 0, 30, tzinfo=UTC)),
    ("the same moment again, all handled", datetime(2026, 11, 16, 8, 0, 30, tzinfo=UTC)),
)


def setup_postgres() -> None:
    os.environ.setdefault("RAPPORT_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def plan_rows(recipients: int) -> int:
    """Three plan rows per project, each addressed to ``recipients`` of the project's parties."""
    from rapport.comms.models import PlanRow
    from rapport.stakeholders.models import ProjectStakeholder

    parties: dict[int, list[int]] = {}
    for project_id, party_id in ProjectStakeholder.objects.order_by("pk").values_list(
        "project_id", "party_id"
    ):
        parties.setdefault(project_id, []).append(party_id)
    PlanRow.objects.bulk_create(
        PlanRow(
            project_id=project_id,
            comm_type="simple",
            channel="email",
            rrule=rule,
            start_date=date(2026, 1, 1),
            send_time=clock_time(9),
            last_run=CREATED_AT,
            created_at=CREATED_AT,
        )
        for project_id in parties
        for rule in ROWS_PER_PROJECT
    )
    through = PlanRow.audience_parties.through
    rows = list(PlanRow.objects.order_by("pk").values_list("pk", "project_id"))
    through.objects.bulk_create(
        through(planrow_id=row_id, party_id=party_id)
        for n, (row_id, project_id) in enumerate(rows)
        for party_id in parties[project_id][n % 3 : n % 3 + recipients]
    )
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1_000)
    parser.add_argument("--postgres", action="store_true", help="use DATABASE_URL (throwaway)")
    parser.add_argument("--recipients", type=int, default=3, help="per plan row (at most 8)")
    parser.add_argument("--repeat", type=int, default=1, help="do it all N times (shared machine)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            setup_postgres()
        else:
            setup_django(str(Path(tmp) / "bench.sqlite3"))
        import time_machine
        from django.db import connection

        from rapport.comms import delivery
        from rapport.comms.models import Delivery, PlanRow

        started = time.perf_counter()
        build(args.projects)
        rows = plan_rows(args.recipients)
        print(
            f"Built {args.projects:,} projects, {rows:,} plan rows × {args.recipients} recipients "
            f"on {connection.vendor} in {time.perf_counter() - started:.1f} s"
        )
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(1)  # a counter, not Django's query log (it keeps only 9,000)
            return execute(sql, params, many, context)

        best: dict[str, float] = {}
        for repeat in range(args.repeat):
            if repeat:  # the same work again: no deliveries yet, every row back where it started
                Delivery.objects.all().delete()
                PlanRow.objects.update(last_run=CREATED_AT)
            for label, moment in RUNS:
                queries.clear()
                with time_machine.travel(moment, tick=False), connection.execute_wrapper(count):
                    started, cpu = time.perf_counter(), time.process_time()
                    result = delivery.comms_schedule()
                    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                best[label] = min(best.get(label, elapsed), elapsed)
                # CPU time as well: on a shared machine the wall clock also counts others' work.
                print(
                    f"Scheduling {result.rows:,} plan rows, {label}: {elapsed:.2f} s "
                    f"({cpu:.2f} s CPU), {result.created:,} deliveries created, "
                    f"{len(queries):,} queries"
                )
            print(f"Deliveries in the database: {Delivery.objects.count():,}")
        if args.repeat > 1:
            print("Best of", args.repeat, "; ".join(f"{k}: {v:.2f} s" for k, v in best.items()))


if __name__ == "__main__":
    main()
