"""Benchmark: a register import and a RACI import on a file-based SQLite database while another
connection keeps writing.

Run from the repository root:

    RAPPORT_ENV=test .venv/bin/python bench/bench_sqlite_imports.py [--rows 3000] [--json]

Migrates a throwaway SQLite file (WAL, busy timeout and synchronous=NORMAL from settings), then
imports a register of ROWS new parties onto a project and a RACI of ROWS activities that uses
them, each through the same plan/apply calls as the web page, the API and the CLI. Meanwhile a
second process adds an activity every 20 ms through the service, each in its own transaction.
Prints how long each import took (wall clock and CPU), the longest write transaction it held
(BEGIN to COMMIT, as SQLite's trace callback sees them: the time every other writer must wait),
how many concurrent writes got through, their median and longest time, and every "database is
locked" error (there must be none). tests/lib/test_sqlite_under_import.py runs it and asserts
that, with a busy timeout of a few seconds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script


def setup_django(db_path: str) -> None:
    os.environ.setdefault("RAPPORT_ENV", "test")
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def keep_writing(owner_pk, project_pk, stop, ready, results) -> None:
    """Add an activity every 20 ms, each in its own transaction, until told to stop; report how
    long each took and every error."""
    from django.contrib.auth import get_user_model

    from rapport.projects.models import Project
    from rapport.raci import services as raci

    owner = get_user_model().objects.get(pk=owner_pk)
    project = Project.objects.get(pk=project_pk)
    writes: list[float] = []
    errors: list[str] = []
    number = 0
    ready.set()
    while not stop.is_set():
        number += 1
        started = time.perf_counter()
        try:
            raci.activity_create(actor=owner, project=project, name=f"Meanwhile {number}")
            writes.append(time.perf_counter() - started)
        except Exception as error:  # every failure is a finding, never a crash
            errors.append(f"{type(error).__name__}: {error}")
        time.sleep(0.02)
    results.put((writes, errors))


def run(rows: int) -> dict:
    from django.db import connection, connections

    from rapport.accounts import services as accounts
    from rapport.projects import services as projects
    from rapport.raci import importing as raci_importing
    from rapport.stakeholders import importing as register_importing
    from rapport.stakeholders.spreadsheets import read_table

    owner = accounts.user_create(email="owner@bench.example", password=None)
    org = accounts.org_create(actor=owner, slug="bench", name="Bench")
    project = projects.project_create(actor=owner, org=org, code="BIG", name="Big")

    register = "Name,Type,Organisation,Roles,Power,Interest\n" + "".join(
        f"Person {i:05d},Person,Acme,Business analyst,{1 + i % 5},{1 + (i * 3) % 5}\n"
        for i in range(rows)
    )
    matrix = "Activity,Responsible,Accountable,Consulted,Informed\n" + "".join(
        f"Task {i:05d},Person {i:05d},Person {(i + 1) % rows:05d},,Person {(i + 2) % rows:05d}\n"
        for i in range(rows)
    )

    # The other writer is a process of its own, as a second web worker would be: a thread here
    # would wait for this process's Python (the import's preparation) as well as for the lock.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    stop, ready, results = context.Event(), context.Event(), context.Queue()
    writer = context.Process(
        target=keep_writing, args=(owner.pk, project.pk, stop, ready, results), daemon=True
    )
    writer.start()
    ready.wait(60)

    # The longest write transaction of this process, BEGIN to COMMIT, seen by SQLite itself.
    transactions: list[float] = []
    began: list[float] = []

    def trace(statement: str) -> None:
        if statement.startswith("BEGIN"):
            began[:] = [time.perf_counter()]
        elif statement.startswith(("COMMIT", "ROLLBACK")) and began:
            transactions.append(time.perf_counter() - began.pop())

    connection.ensure_connection()
    connection.connection.set_trace_callback(trace)

    def longest_transaction() -> float:
        longest = max(transactions, default=0.0)
        transactions.clear()
        return longest

    timings = {}
    cpu = time.process_time  # this process's CPU: the figure to trust on a busy machine
    try:
        time.sleep(0.2)
        longest_transaction()
        started = time.perf_counter()
        table = read_table(register.encode(), max_bytes=50_000_000, max_rows=rows + 10)
        plan = register_importing.plan_import(org=org, project=project, table=table)
        timings["register_plan"] = time.perf_counter() - started
        started, cpu_started = time.perf_counter(), cpu()
        result = register_importing.apply_import(actor=owner, org=org, project=project, plan=plan)
        timings["register_write"] = time.perf_counter() - started
        timings["register_write_cpu"] = cpu() - cpu_started
        timings["register_longest_transaction"] = longest_transaction()
        assert result["created"] == rows, result

        started = time.perf_counter()
        plan = raci_importing.plan_import(project=project, content=matrix.encode(), layout="list")
        timings["raci_plan"] = time.perf_counter() - started
        started, cpu_started = time.perf_counter(), cpu()
        result = raci_importing.apply_import(actor=owner, project=project, plan=plan)
        timings["raci_write"] = time.perf_counter() - started
        timings["raci_write_cpu"] = cpu() - cpu_started
        timings["raci_longest_transaction"] = longest_transaction()
        assert result["activities_created"] == rows, result
        time.sleep(0.2)
    finally:
        stop.set()
        writes, errors = results.get(timeout=120)
        writer.join(30)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    return {
        "rows": rows,
        "journal_mode": journal_mode,
        **{f"{k}_seconds": round(v, 3) for k, v in timings.items()},
        "concurrent_writes": len(writes),
        "median_concurrent_write_seconds": round(statistics.median(writes), 3) if writes else None,
        "longest_concurrent_write_seconds": round(max(writes, default=0.0), 3),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(os.path.join(tmp, "bench.sqlite3"))
        figures = run(args.rows)
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:36} {value}")
    if figures["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
