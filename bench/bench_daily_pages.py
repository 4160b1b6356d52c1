"""Benchmark: the daily pages of a company-sized organisation against the small demo, in one run.

Run from the repository root (or `make bench`):

    RAPPORT_ENV=test .venv/bin/python bench/bench_daily_pages.py [--projects 2000 --parties 20000
        --cells 200000 --seed 1 --runs 7]

Generates the organisation (`rapport generate`'s code) into a throwaway SQLite database, loads the
demo beside it, then times each daily page for both through the Django test client, signed in as
each organisation's owner, alternating app and demo so both see the same machine load. Prints the
median app time, the demo's, their ratio, each page's size and query count. The target (issue 12):
every page within 3x of the demo and under 400 KB. Figures only: budgets live here, query counts
in tests (tests/ops/test_generated_org_pages.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script

TARGET_RATIO, TARGET_KB = 3.0, 400


def setup_django(db_path: str) -> None:
    os.environ.setdefault("RAPPORT_ENV", "test")
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)  # a sign-in line per client otherwise
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def typical_project(org):
    """An active project of about the median RACI size: what a PM opens every day."""
    from django.db.models import Count

    from rapport.projects.models import Project

    projects = list(
        Project.objects.filter(org=org, state="active")
        .annotate(cells=Count("activities__assignments"))
        .order_by("cells", "pk")
    )
    return projects[len(projects) // 2]


def pages(org, project) -> list[tuple[str, str]]:
    from django.urls import reverse

    o, c = org.slug, project.code
    return [
        ("org board", reverse("org-board", args=[o])),
        ("register, first page", reverse("register-list", args=[o])),
        ("register, last page", reverse("register-list", args=[o]) + "?page=last"),
        ("project overview", reverse("project-home", args=[o, c])),
        ("add stakeholder", reverse("stakeholder-add", args=[o, c])),
        ("RACI (manager)", reverse("raci-matrix", args=[o, c])),
        ("new party", reverse("party-new", args=[o])),
        ("estimate target", reverse("estimate-constraint", args=[o, c])),
        ("party search", reverse("stakeholder-candidates", args=[o, c]) + "?q=an"),
    ]


def timed(client, url: str, runs: int) -> tuple[float, int, int]:
    """Median seconds of `runs` GETs, the page's size in bytes and its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up templates and caches
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(seconds), len(response.content), len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--parties", type=int, default=20000)
    parser.add_argument("--cells", type=int, default=200000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        from django.test import Client

        from rapport.accounts.models import Organisation, User
        from rapport.demo.services import DEMO_PM_EMAIL, demo_load
        from rapport.ops.generate import generate

        demo_load()
        started = time.perf_counter()
        made = generate(
            org_slug="bench",
            projects=args.projects,
            parties=args.parties,
            cells=args.cells,
            seed=args.seed,
        )
        generated_in = time.perf_counter() - started
        print(
            f"Generated {args.projects:,} projects, {args.parties:,} parties and "
            f"{args.cells:,} RACI cells in {generated_in:.1f} s (SQLite, seed {args.seed}); "
            f"median of {args.runs} runs per page; load average {os.getloadavg()[0]:.2f}."
        )

        def client_for(email: str) -> Client:
            client = Client()
            client.force_login(
                User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
            )
            return client

        app_org = Organisation.objects.get(slug=made.org_slug)
        demo_org = Organisation.objects.get(slug="demo")
        app_pages = pages(app_org, typical_project(app_org))
        demo_pages = pages(demo_org, demo_org.projects.get(code="CRM"))
        app_client, demo_client = client_for(made.owner_email), client_for(DEMO_PM_EMAIL)

        header = f"{'page':<22} {'app ms':>8} {'demo ms':>8} {'ratio':>6} {'app KB':>7} {'demo KB':>8} {'queries':>8}  target"
        print(header)
        print("-" * len(header))
        misses = 0
        for (name, app_url), (_, demo_url) in zip(app_pages, demo_pages, strict=True):
            app_s, app_bytes, app_q = timed(app_client, app_url, args.runs)
            demo_s, demo_bytes, demo_q = timed(demo_client, demo_url, args.runs)
            ratio = app_s / demo_s
            met = ratio <= TARGET_RATIO and app_bytes <= TARGET_KB * 1000
            misses += not met
            print(
                f"{name:<22} {app_s * 1000:>8.1f} {demo_s * 1000:>8.1f} {ratio:>5.2f}x "
                f"{app_bytes / 1000:>7.1f} {demo_bytes / 1000:>8.1f} {app_q:>4}/{demo_q:<3}  "
                f"{'met' if met else 'MISSED'}"
            )
        print(
            f"Target: within {TARGET_RATIO:g}x of the demo and under {TARGET_KB} KB: "
            + ("every page meets it." if not misses else f"{misses} page(s) miss it.")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
