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


def _env(tmp_path, db, smtp_port):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    env.update(
        RAPPORT_ENV="test",
        RAPPORT_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{db}",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        RAPPORT_DELIVERY_LEASE_SECONDS="10",
        SECRET_KEY="killed-worker-test",
    )
    return env


def _run(env, *args):
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL
    )


def _state(db):
    with sqlite3.connect(db) as con:
        return con.execute("select state, attempts, leased_by from comms_delivery").fetchall()


def _lease_left(db) -> float:
    with sqlite3.connect(db) as con:
        (until,) = con.execute("select lease_until from comms_delivery").fetchone()
    return (datetime.fromisoformat(until).replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds()


def test_a_worker_process_killed_between_render_and_send_delivers_exactly_once(
    tmp_path, smtp_server
):
    """Its own SQLite file and real processes: a worker that SIGKILLs itself after rendering,
    `rapport comms deliver` while its lease holds (nothing), then once it has run out (sent)."""
    db = tmp_path / "rapport.sqlite3"
    env = _env(tmp_path, db, smtp_server_port(smtp_server))
    setup = _run(env, sys.executable, str(SCRIPT), "setup")
    assert setup.returncode == 0, setup.stderr

    killed = _run(env, sys.executable, str(SCRIPT), "deliver-and-die")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _state(db) == [("rendering", 1, "doomed")]
    assert smtp_server.messages == []

    assert _lease_left(db) > 3, "the test machine is too slow for this lease"
    early = _run(env, str(RAPPORT), "comms", "deliver")  # the lease still holds: hands off
    assert early.returncode == 0, early.stderr
    assert "nothing to send" in early.stdout and smtp_server.messages == []

    time.sleep(max(0.0, _lease_left(db)) + 0.3)
    late = _run(env, str(RAPPORT), "comms", "deliver")
    assert late.returncode == 0, late.stderr
    assert "1 sent" in late.stdout
    assert [row[:2] for row in _state(db)] == [("sent", 2)]
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["to"] == ["kim.killed@customer.example"]


def smtp_server_port(mailbox) -> int:
    from django.conf import settings

    return settings.EMAIL_PORT
