"""Benchmark: tailored reports for 1,000 projects × 10 audiences, as HTML e-mails and as PDFs.

Run from the repository root:

    RAPPORT_ENV=test .venv/bin/python bench/bench_reports.py [--projects N] [--pdf-projects N]

Builds a throwaway SQLite database with N projects (default 1,000), each with 10 recipients, a
published status update (obstacles and decisions addressed to some recipients), 8 activities,
4 risks and 12 evidence snapshots, in bulk. Then, for every project: reads its report data once
(`report_data`: a fixed number of queries), and renders the report for each of its 10 audiences
— the types cycle simple, detailed, dashboard, custom — as the e-mail's HTML and text parts.
That is the HTML figure (reports per second, database reads included).

PDFs are rendered (WeasyPrint) for a sample of projects (default 20 × 10 audiences), including
the dashboard's four matplotlib charts, drawn once per project and shared by its audiences; the
figure printed says how many were measured. No assertion on time: figures only.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script

AUDIENCES = 10
TYPES = ("simple", "detailed", "dashboard", "custom")
SEED = 20261122


def setup_django(db_path: str) -> None:
    os.environ.setdefault("RAPPORT_ENV", "test")
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(projects: int) -> list[int]:
    """Bulk-create the organisation's data; returns the published status update ids."""
    from django.utils import timezone

    from rapport.accounts.models import Organisation
    from rapport.projects.models import Project
    from rapport.raci.models import Activity
    from rapport.stakeholders.models import Party, ProjectStakeholder
    from rapport.status.models import (
        EvidenceSnapshot,
        Risk,
        StatusDecision,
        StatusObstacle,
        StatusUpdate,
    )

    rng = random.Random(SEED)
    colours = ("green", "amber", "red")
    org = Organisation.objects.create(slug="bench", name="Bench Corp")
    Project.objects.bulk_create(
        Project(
            org=org,
            code=f"P{n:04d}",
            name=f"Project {n}",
            budget=Decimal(500_000),
            state="active",
            time_zone="Europe/Amsterdam",
        )
        for n in range(projects)
    )
    project_ids = list(Project.objects.filter(org=org).order_by("pk").values_list("pk", flat=True))
    Party.objects.bulk_create(
        Party(org=org, name=f"Reader {p}-{a}", email=f"reader{p}.{a}@bench.example")
        for p in range(projects)
        for a in range(AUDIENCES)
    )
    parties = list(Party.objects.filter(org=org).order_by("pk").values_list("pk", flat=True))
    ProjectStakeholder.objects.bulk_create(
        ProjectStakeholder(
            project_id=pid, party_id=parties[i * AUDIENCES + a], is_customer=True, interest=4
        )
        for i, pid in enumerate(project_ids)
        for a in range(AUDIENCES)
    )
    today = date(2026, 11, 16)
    now = timezone.now()
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            project_id=pid,
            period_start=today - timedelta(days=7),
            period_end=today - timedelta(days=1),
            state="published",
            published_at=now,
            overall=rng.choice(colours),
            summary="Where we are, in plain words.",
            schedule=rng.choice(colours),
            scope="green",
            cost=rng.choice(colours),
            quality="green",
            risk=rng.choice(colours),
            progress=rng.randint(5, 95),
            spent=Decimal(rng.randint(10_000, 400_000)),
            went_well="Workshops done; vendor contract signed.",
            not_going_well="Hosting decision is late.",
            next_steps="Integration build; data clean-up.",
            top_risks=[
                {
                    "title": "Vendor may slip",
                    "severity": "high",
                    "probability": "high",
                    "impact": "high",
                    "mitigation": "",
                    "owner": "",
                }
            ],
        )
        for pid in project_ids
    )
    updates = list(
        StatusUpdate.objects.filter(project__org=org)
        .order_by("project_id")
        .values_list("pk", "project_id")
    )
    obstacles, decisions = [], []
    for i, (uid, _pid) in enumerate(updates):
        obstacles += [
            StatusObstacle(update_id=uid, text=f"Obstacle {k}", impact="Slower screens", position=k)
            for k in range(2)
        ]
        decisions += [
            StatusDecision(
                update_id=uid,
                text=f"Decision {k}",
                needed_from_id=parties[i * AUDIENCES + k],
                position=k,
            )
            for k in range(2)
        ]
    StatusObstacle.objects.bulk_create(obstacles)
    StatusDecision.objects.bulk_create(decisions)
    through = StatusObstacle.customers.through
    through.objects.bulk_create(
        through(statusobstacle_id=o.pk, party_id=parties[(i // 2) * AUDIENCES + 2 + i % 2])
        for i, o in enumerate(
            StatusObstacle.objects.filter(update__project__org=org).order_by(
                "update__project_id", "position"
            )
        )
    )
    Activity.objects.bulk_create(
        Activity(
            project_id=pid,
            name=f"Activity {k}",
            kind="milestone" if k % 4 == 3 else "task",
            status=("done", "in_progress", "not_started")[k % 3],
            position=k,
            planned_finish=today + timedelta(days=7 * k),
            baseline_finish=today + timedelta(days=7 * k - 3),
        )
        for pid in project_ids
        for k in range(8)
    )
    Risk.objects.bulk_create(
        Risk(
            project_id=pid,
            title=f"Risk {k}",
            probability=("high", "medium", "low")[k % 3],
            impact=("high", "medium")[k % 2],
        )
        for pid in project_ids
        for k in range(4)
    )
    EvidenceSnapshot.objects.bulk_create(
        EvidenceSnapshot(
            project_id=pid,
            taken_at=now - timedelta(days=7 * (12 - k)),
            reported=rng.choice(colours),
            evidence=rng.choice(colours),
            progress=k / 12,
            spent_share=k / 10,
            worst_slip_days=k,
            report={"signals": []},
        )
        for pid in project_ids
        for k in range(12)
    )
    return [uid for uid, _ in updates]


def schedule_figures(update_ids) -> None:
    """How long `comms_schedule` takes with nothing due, and with one occurrence due per row."""
    from datetime import UTC, datetime
    from datetime import time as clock_time

    import time_machine

    from rapport.comms import delivery
    from rapport.comms.models import Delivery, PlanRow
    from rapport.stakeholders.models import ProjectStakeholder

    created_at = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)  # a Monday, before 09:00 in Amsterdam
    first_party = {}
    for pid, party_id in ProjectStakeholder.objects.order_by("pk").values_list(
        "project_id", "party_id"
    ):
        first_party.setdefault(pid, party_id)
    rules_ = (
        "FREQ=WEEKLY;BYDAY=MO",
        "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1",
    )
    PlanRow.objects.bulk_create(
        PlanRow(
            project_id=pid,
            comm_type="simple",
            channel="email",
            rrule=rule,
            start_date=date(2026, 1, 1),
            send_time=clock_time(9),
            last_run=created_at,
            created_at=created_at,
        )
        for pid in first_party
        for rule in rules_
    )
    through = PlanRow.audience_parties.through
    through.objects.bulk_create(
        through(planrow_id=row_id, party_id=first_party[pid])
        for row_id, pid in PlanRow.objects.values_list("pk", "project_id")
    )
    rows = PlanRow.objects.count()
    for label, moment in (
        ("nothing due", datetime(2026, 11, 16, 7, 30, tzinfo=UTC)),
        ("one occurrence due per row", datetime(2026, 11, 16, 8, 0, 30, tzinfo=UTC)),
    ):
        with time_machine.travel(moment, tick=False):
            started = time.perf_counter()
            result = delivery.comms_schedule()
            elapsed = time.perf_counter() - started
        print(
            f"Scheduling {rows:,} plan rows, {label}: {elapsed:.1f} s ({result.created:,} deliveries created)"
        )
    Delivery.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1_000)
    parser.add_argument("--pdf-projects", type=int, default=20)
    parser.add_argument(
        "--morning", type=int, default=10_000, help="reports in the morning to extrapolate to"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        from rapport.comms import reports
        from rapport.status.models import StatusUpdate

        started = time.perf_counter()
        update_ids = build(args.projects)
        print(
            f"Built {args.projects:,} projects × {AUDIENCES} audiences in {time.perf_counter() - started:.1f} s"
        )

        def load(uid):
            update = StatusUpdate.objects.select_related("project", "project__org", "author").get(
                pk=uid
            )
            return reports.report_data(update)

        def readers(data):
            return [reports.Recipient(None, f"Reader {a}") for a in range(AUDIENCES)]

        # HTML: the e-mail's HTML and text parts, every project, every audience.
        count, queries, size = 0, 0, 0
        started = time.perf_counter()
        for uid in update_ids:
            with CaptureQueriesContext(connection) as captured:
                data = load(uid)
            queries += len(captured.captured_queries)
            reset_queries()  # the debug cursor's log would grow over 10,000 renders
            for a, reader in enumerate(readers(data)):
                rendered = reports.render_report(
                    data, recipient=reader, comm_type=TYPES[a % len(TYPES)], medium="email"
                )
                size += len(rendered.html) + len(rendered.text)
                count += 1
        elapsed = time.perf_counter() - started
        reset_queries()
        print(
            f"HTML e-mail (HTML + text parts): {count:,} reports in {elapsed:.1f} s = {count / elapsed:,.0f} reports/s "
            f"({queries / len(update_ids):.0f} queries per project, {size / count / 1024:.1f} KiB per report)"
        )

        # The periodic run's scheduling step over 3 plan rows per project (every minute in cron).
        schedule_figures(update_ids)

        # PDF: a sample, dashboard charts included (drawn once per project: see _draw's cache).
        sample = update_ids[: args.pdf_projects]
        per_type: dict[str, list[float]] = {t: [] for t in TYPES}
        pages_bytes = 0
        charts = pngs = 0.0
        for uid in sample:
            data = load(uid)
            t = time.perf_counter()
            _ = data.chart_images  # the four charts, shared by the project's dashboard readers
            charts += time.perf_counter() - t
            t = time.perf_counter()
            _ = data.chart_pngs  # the same charts as PNG, carried inside the dashboard e-mail
            pngs += time.perf_counter() - t
            for a, reader in enumerate(readers(data)):
                t = time.perf_counter()
                pdf = reports.render_pdf(data, recipient=reader, comm_type=TYPES[a % len(TYPES)])
                per_type[TYPES[a % len(TYPES)]].append(time.perf_counter() - t)
                pages_bytes += len(pdf)
        count = sum(len(v) for v in per_type.values())
        elapsed = sum(sum(v) for v in per_type.values())
        print(
            f"PDF (WeasyPrint, sample of {len(sample)} projects × {AUDIENCES} audiences): {count:,} reports in "
            f"{elapsed:.1f} s = {count / elapsed:,.1f} reports/s ({pages_bytes / count / 1024:.0f} KiB per PDF; "
            f"charts {charts / len(sample) * 1000:.0f} ms per project, drawn once)"
        )
        floor = pdf_floor_rate()
        print(f"  floor: a one-page HTML through WeasyPrint, same fonts: {floor:.1f} PDFs/s")
        for kind, times in per_type.items():
            rate = len(times) / sum(times)
            print(
                f"  {kind:10} {rate:5.1f} PDFs/s, {floor / rate:4.1f}x the floor"
                "  (target for simple: >= 5)"
            )
        print(
            f"Dashboard e-mail charts as PNG (once per project, not in the HTML figure above): "
            f"{pngs / len(sample) * 1000:.0f} ms per project"
        )
        morning(sample, load, readers, args.morning)


def pdf_floor_rate(runs: int = 20) -> float:
    """PDFs a second of one page of text and a small table, styled like the reports: the floor
    the report PDFs are measured against (WeasyPrint's own cost for a page)."""
    from weasyprint import HTML

    from rapport.comms import reports

    rows = "".join(f"<tr><td>Row {n}</td><td>{n * 7}</td></tr>" for n in range(12))
    html = (
        f"<html><head><style>{reports.report_css()}</style></head><body><h1>Status</h1>"
        + "<p>On track. Nothing is blocking the team this week.</p>" * 6
        + f"<table>{rows}</table></body></html>"
    )
    HTML(string=html).write_pdf(font_config=reports.font_config())  # fonts loaded once
    started = time.perf_counter()
    for _ in range(runs):
        HTML(string=html).write_pdf(font_config=reports.font_config())
    return runs / (time.perf_counter() - started)


def morning(sample: list[int], load, readers, reports_in_morning: int) -> None:
    """The delivery worker's way on 2 cores: two processes, each reading a delivery's report data
    afresh and rendering its PDF, as `rapport comms deliver` does for every delivery."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    done = context.Queue()
    workers = [
        context.Process(target=_render_share, args=(sample[i::2], load, readers, done))
        for i in range(2)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    counts = [done.get(timeout=1800) for _ in workers]
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    rate = sum(counts) / elapsed
    print(
        f"Morning, 2 worker processes (report data read per delivery, PDF rendered): "
        f"{sum(counts):,} PDFs in {elapsed:.1f} s = {rate:.1f} PDFs/s; "
        f"{reports_in_morning:,} reports would take {reports_in_morning / rate / 60:.0f} min "
        f"(target: within 60 min)"
    )


def _render_share(uids, load, readers, done) -> None:
    from rapport.comms import reports

    rendered = 0
    for uid in uids:
        for a, reader in enumerate(readers(None)):
            data = load(uid)  # per delivery, as the worker does
            reports.render_pdf(data, recipient=reader, comm_type=TYPES[a % len(TYPES)])
            rendered += 1
    done.put(rendered)


if __name__ == "__main__":
    main()
