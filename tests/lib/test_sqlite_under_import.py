"""SQLite for real use: WAL, a busy timeout, synchronous=NORMAL, and imports that let others write.

The concurrency test runs bench/bench_sqlite_imports.py in a child process against its own
file-based SQLite database (the suite's in-memory database has no journal and no second
connection): a register import and a RACI import of 3,000 rows each while another process adds
an activity every 20 ms. The busy timeout is cut to 2 seconds, so a writer kept waiting longer
than that by an import gets "database is locked": before imports prepared their rows outside the
write transaction (rapport.lib.bulk_insert), they held the lock for 2.7 s of CPU each on a quiet
machine, and several seconds more on a busy one.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_connections_use_wal_a_busy_timeout_and_normal_sync(tmp_path):
    script = (
        "import django, os; django.setup()\n"
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "print([c.execute('PRAGMA ' + p).fetchone()[0] "
        "for p in ('journal_mode', 'synchronous', 'busy_timeout')])\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pragmas.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
        "SQLITE_BUSY_TIMEOUT": "7",
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "['wal', 1, 7000]"  # synchronous 1 is NORMAL


@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="it makes its own SQLite file whatever the suite's database: the SQLite suite runs it",
)
def test_writes_go_through_while_a_3000_row_register_and_raci_are_imported():
    env = {**os.environ, "RAPPORT_ENV": "test", "SQLITE_BUSY_TIMEOUT": "2"}
    env.pop("DATABASE_URL", None)  # the script makes its own file database
    out = subprocess.run(
        [sys.executable, "bench/bench_sqlite_imports.py", "--rows", "3000", "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    figures = json.loads(out.stdout.strip().splitlines()[-1])

    assert figures["journal_mode"] == "wal"
    assert figures["errors"] == []  # above all, no "database is locked"
    assert figures["concurrent_writes"] > 0  # the other writer really wrote meanwhile
    # Both imports wrote everything (the script checks the counts) in write transactions that
    # SQLite saw end well inside the busy timeout.
    assert figures["register_longest_transaction_seconds"] > 0
    assert figures["raci_longest_transaction_seconds"] > 0
