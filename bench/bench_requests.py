"""Benchmark: what one request costs, end to end, on PostgreSQL behind `rapport serve --workers 2`.

Run from the repository root (it starts a throwaway PostgreSQL on loopback when DATABASE_URL is
not a PostgreSQL one, through scripts/with-postgres.sh):

    RAPPORT_ENV=test .venv/bin/python bench/bench_requests.py [--seconds 5]

Loads the demo workspace, then serves it with `rapport serve --workers 2` (gunicorn, the
settings of bench/floor_settings.py: Rapport plus a constant-JSON view) and loads it with wrk
(Debian's `wrk`) on loopback, at 1 and 8 connections: `GET /api/v1/projects` with an API token;
the project overview signed in, its health kept by the worker while nothing it reads changes (as
on every view but the first after a change); the overview with its health computed afresh (as
on that first view; no target); and the constant-JSON floor view, in the same run. Prints
requests per second, the 99th percentile latency, and each path's ratio to the floor. Targets
(issue 12): the API at least 300 req/s and the overview at least 100 req/s at 8 connections,
p99 under 100 ms. Figures only: no assertion on time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script
TARGETS = {"API projects": 300, "project overview": 100}  # req/s at 8 connections
P99_TARGET_MS = 100  # at 8 connections


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> tuple[str, str]:
    """Migrate, load the demo, and return an API token and a session cookie of its PM."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from rapport.accounts import services as accounts
    from rapport.accounts.models import User
    from rapport.demo.services import DEMO_PM_EMAIL

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    pm = User.objects.get(email=DEMO_PM_EMAIL)
    _, token = accounts.api_token_create(actor=pm, name="bench")
    client = Client()
    client.force_login(pm, backend="django.contrib.auth.backends.ModelBackend")
    return token, client.cookies["sessionid"].value


def wrk(url: str, connections: int, seconds: int, headers: list[str]) -> dict:
    argv = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        argv += ["-H", header]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rate": rate,
        "p99_ms": float(p99.group(1)) * scale,
        "bad": int(bad.group(1)) if bad else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="wrk run per path and concurrency")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (Debian), then run this again.")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        script = str(ROOT / "scripts" / "with-postgres.sh")
        os.execv(script, [script, sys.executable, *sys.argv])
    os.environ.setdefault("RAPPORT_ENV", "test")  # DEBUG off, as in production
    token, session = prepare()

    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.floor_settings", "PYTHONPATH": str(ROOT)}
    rapport = str(Path(sys.executable).parent / "rapport")
    server = subprocess.Popen(
        [rapport, "serve", "--workers", "2", "--quiet", "--port", str(port)],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/bench-floor/", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        paths = [
            ("floor (constant JSON)", "/bench-floor/", []),
            ("API projects", "/api/v1/projects", [f"Authorization: Bearer {token}"]),
            ("project overview", "/o/demo/p/CRM/", [f"Cookie: sessionid={session}"]),
            ("overview, health afresh", "/bench-fresh/demo/CRM/", [f"Cookie: sessionid={session}"]),
        ]
        uptime = os.getloadavg()[0]
        print(
            f"rapport serve --workers 2 on PostgreSQL, wrk {args.seconds} s each, load {uptime:.1f}"
        )
        figures: dict[tuple[str, int], dict] = {}
        for name, path, headers in paths:
            wrk(base + path, 2, 1, headers)  # warm the workers up
            for connections in (1, 8):
                figures[name, connections] = wrk(base + path, connections, args.seconds, headers)
        print(f"{'path':24} {'conn':>4} {'req/s':>8} {'p99 ms':>8} {'x floor':>8}  target")
        for name, _, _ in paths:
            for connections in (1, 8):
                f = figures[name, connections]
                floor = figures["floor (constant JSON)", connections]["rate"]
                target = TARGETS.get(name) if connections == 8 else None
                verdict = (
                    ""
                    if target is None
                    else f">= {target} "
                    + ("met" if f["rate"] >= target else "NOT met")
                    + (", p99 < 100 ms " + ("met" if f["p99_ms"] < P99_TARGET_MS else "NOT met"))
                )
                print(
                    f"{name:24} {connections:>4} {f['rate']:>8.0f} {f['p99_ms']:>8.1f} "
                    f"{floor / f['rate']:>7.1f}x  {verdict}"
                    + (f"  ({f['bad']} responses not 2xx/3xx!)" if f["bad"] else "")
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


if __name__ == "__main__":
    main()
