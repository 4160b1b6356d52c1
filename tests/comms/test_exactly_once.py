"""Exactly once, under real concurrency: two workers racing on PostgreSQL, and a worker process
killed (SIGKILL) between rendering and sending."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from rapport.comms import delivery as engine
from rapport.comms.models import Delivery, DeliveryState
from tests.comms.factories import party, plan_row, publish

MONDAY_9 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_postgresql_deliver_each_report_exactly_once(world, smtp_server):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite lets one writer in at a time (BEGIN IMMEDIATE), so the row-lock "
            "race does not exist there. `make test` runs this on a throwaway PostgreSQL."
        )
    world.alpha.time_zone = "Europe/Amsterdam"
    world.alpha.save()
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=UTC), tick=False):
        recipients = [party(world, f"Recipient {n:02d}") for n in range(24)]
        for kind, chunk in (
            ("simple", recipients[:8]),
            ("detailed", recipients[8:16]),
            ("simple", recipients[16:]),
        ):
            plan_row(world, chunk, comm_type=kind)
        publish(world)

    barrier = threading.Barrier(2)
    outcomes: dict[str, dict] = {}
    errors: list[BaseException] = []

    def worker(name):
        try:
            barrier.wait()
            # Both schedule (racing on the same rows and keys), then both claim and send, and
            # keep at it (as `rapport comms deliver` every minute would) until nothing is left.
            created, sent = 0, Counter()
            for _ in range(50):
                result = engine.comms_deliver(worker=name, snapshots=False)
                created += result.schedule.created
                sent.update(result.outcomes)
                if Delivery.objects.filter(state=DeliveryState.SENT).count() == 24:
                    break
                time.sleep(0.05)
            outcomes[name] = {"schedule": {"created": created}, "outcomes": dict(sent)}
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(MONDAY_9 + timedelta(seconds=1), tick=True):
        threads = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    deliveries = list(Delivery.objects.all())
    assert len(deliveries) == 24
    assert {d.state for d in deliveries} == {DeliveryState.SENT}
    assert {d.attempts for d in deliveries} == {1}  # nobody claimed a delivery twice
    sent_by = Counter(
        o for result in outcomes.values() for o, n in result["outcomes"].items() for _ in range(n)
    )
    assert sent_by == {"sent": 24}
    # Both really worked at once: each sent some, and neither sent one the other had.
    assert all(result["outcomes"].get("sent") for result in outcomes.values()), outcomes
    assert sum(result["schedule"]["created"] for result in outcomes.values()) == 24
    to = Counter(m["to"][0] for m in smtp_server.messages)
    assert len(smtp_server.messages) == 24 and set(to.values()) == {1}
    assert len({m["message"]["Message-ID"] for m in smtp_server.messages}) == 24


# --- a real process killed at the hook point ----------------------------------------------------

SCRIPT = Path(__file__).with_name("killable_worker.py")
RAPPORT = Path(sys.prefix) / "bin" / "rapport"
# Long enough that `rapport comms deliver` starting up on a loaded machine cannot outlive it.
LEASE_SECONDS = 120


class WorkerDatabase:
    """A fresh database of its own for the worker processes, on the engine the suite runs on:
    an SQLite file, or a new database on the suite's PostgreSQL server (dropped afterwards)."""

    def __init__(self, tmp_path):
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            import psycopg

            s = connection.settings_dict
            self.name = f"rapport_killed_{os.getpid()}_{time.monotonic_ns()}"
            self._server = {
                "host": s["HOST"] or "127.0.0.1",
                "port": s["PORT"] or 5432,
                "user": s["USER"],
                "password": s["PASSWORD"] or None,
            }
            with psycopg.connect(dbname="postgres", autocommit=True, **self._server) as con:
                con.execute(f'CREATE DATABASE "{self.name}"')
            auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
            host, port = self._server["host"], self._server["port"]
            self.url = f"postgres://{auth}@{host}:{port}/{self.name}"
        else:
            self.path = tmp_path / "rapport.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(dbname=self.name, autocommit=True, **self._server) as con:
                cursor = con.execute(sql)
                return cursor.fetchall() if cursor.description else []
        with sqlite3.connect(self.path) as con:
            return con.execute(sql).fetchall()

    def state(self) -> list[tuple]:
        return self.query("select state, attempts, leased_by from comms_delivery")

    def lease_left(self) -> float:
        (until,) = self.query("select lease_until from comms_delivery")[0]
        if isinstance(until, str):  # SQLite keeps UTC as text
            until = datetime.fromisoformat(until).replace(tzinfo=UTC)
        return (until - datetime.now(UTC)).total_seconds()

    def expire_lease(self) -> None:
        """The lease runs out: its end moves into the past instead of the test waiting for it."""
        past = datetime.now(UTC) - timedelta(seconds=1)
        # PostgreSQL reads the offset; Django keeps SQLite's datetimes as naive UTC text.
        value = past.isoformat() if self.vendor == "postgresql" else past.replace(tzinfo=None)
        self.query(f"update comms_delivery set lease_until = '{value}'")

    def drop(self) -> None:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(dbname="postgres", autocommit=True, **self._server) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def worker_db(tmp_path):
    db = WorkerDatabase(tmp_path)
    try:
        yield db
    finally:
        db.drop()


def _env(tmp_path, db: WorkerDatabase, smtp_port):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    env.update(
        RAPPORT_ENV="test",
        RAPPORT_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=db.url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        RAPPORT_DELIVERY_LEASE_SECONDS=str(LEASE_SECONDS),
        SECRET_KEY="killed-worker-test",
    )
    return env


def _run(env, *args):
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL
    )


def test_a_worker_process_killed_between_render_and_send_delivers_exactly_once(
    tmp_path, worker_db, smtp_server
):
    """Real processes on a database of their own (PostgreSQL when the suite runs on it): a worker
    that SIGKILLs itself after rendering; `rapport comms deliver` while its lease holds (sends
    nothing), then once the lease has run out (sends it, once)."""
    env = _env(tmp_path, worker_db, smtp_server_port(smtp_server))
    setup = _run(env, sys.executable, str(SCRIPT), "setup")
    assert setup.returncode == 0, setup.stderr

    killed = _run(env, sys.executable, str(SCRIPT), "deliver-and-die")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert worker_db.state() == [("rendering", 1, "doomed")]
    assert smtp_server.messages == []

    early = _run(env, str(RAPPORT), "comms", "deliver")  # the lease still holds: hands off
    assert worker_db.lease_left() > 0, "the test machine is too slow for this lease"
    assert early.returncode == 0, early.stderr
    assert "nothing to send" in early.stdout and smtp_server.messages == []
    assert worker_db.state() == [("rendering", 1, "doomed")]

    worker_db.expire_lease()
    late = _run(env, str(RAPPORT), "comms", "deliver")
    assert late.returncode == 0, late.stderr
    assert "1 sent" in late.stdout
    assert [row[:2] for row in worker_db.state()] == [("sent", 2)]
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["to"] == ["kim.killed@customer.example"]
    # Reclaimed from "rendering", not "sending": nothing reached SMTP before, so no duplicate flag.
    assert worker_db.query("select maybe_duplicate from comms_delivery") in ([(False,)], [(0,)])


def smtp_server_port(mailbox) -> int:
    from django.conf import settings

    return settings.EMAIL_PORT
