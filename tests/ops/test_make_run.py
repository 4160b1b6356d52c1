"""`rapport run` (what `make run` starts) is the whole product on a laptop: web server, worker and
the delivery schedule, so "Send now" reaches the outbox with a portal link on the served port, and
Ctrl+C stops everything together."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rapport(env, *args, timeout=180) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "rapport.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _wait_for_port(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise AssertionError(f"nothing listens on port {port} after {seconds} s")


SETUP = """
from rapport.accounts.models import User
from rapport.accounts import services
from rapport.comms.models import PlanRow
user = User.objects.get(email="priya@northwind.example")
_, raw = services.api_token_create(actor=user, name="test")
row = PlanRow.objects.filter(project__code="CRM").order_by("pk").first()
print(raw, row.project_id, row.pk)
"""

OUTBOX = """
from rapport.ops.models import OutboxMessage
from rapport.ops.outbox import parts
import json
print(json.dumps([{"org": m.org.slug if m.org else None, "text": parts(m.raw)["text"]}
                  for m in OutboxMessage.objects.all()]))
"""


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="starts its own laptop install on a SQLite file; the database under test is unused",
)
def test_send_now_reaches_the_outbox_with_a_portal_link_on_the_served_port(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "SITE_URL"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'laptop.sqlite3'}",
        RAPPORT_ENV="development",
        RAPPORT_VAR_DIR=str(tmp_path),
        PYTHONUNBUFFERED="1",
    )
    _rapport(env, "migrate", "--no-input", "-v", "0")
    _rapport(env, "demo", "--if-empty")
    token, project_id, row_id = _rapport(env, "shell", "-v", "0", "-c", SETUP).split()

    run = subprocess.Popen(
        [sys.executable, "-m", "rapport.cli", "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_for_port(port)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/projects/{project_id}/comms/plan/{row_id}/send-now",
            method="POST",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 202  # accepted: the worker sends it

        deadline = time.monotonic() + 60  # "within a minute"
        messages = []
        while time.monotonic() < deadline and not messages:
            time.sleep(2)
            messages = json.loads(_rapport(env, "shell", "-v", "0", "-c", OUTBOX))
        assert messages, "nothing reached the outbox within a minute"
        assert messages[0]["org"] == "demo"
        portal = next(word for word in messages[0]["text"].split() if "/portal/" in word)
        assert portal.startswith(f"http://127.0.0.1:{port}/portal/")
        with urllib.request.urlopen(portal, timeout=30) as response:
            assert response.status == 200
    finally:
        run.send_signal(signal.SIGINT)  # what Ctrl+C does to the foreground process
        output, _ = run.communicate(timeout=30)
    assert "Stopping Rapport" in output
    with socket.socket() as s:  # the web server went with it
        assert s.connect_ex(("127.0.0.1", port)) != 0
    leftovers = subprocess.run(
        ["pgrep", "-s", str(run.pid)], capture_output=True, text=True
    ).stdout.split()
    assert leftovers == []
