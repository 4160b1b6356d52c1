"""A worker process for tests/comms/test_exactly_once.py (not a test module).

``setup``: migrate a fresh database, then one project, one recipient, one published status, one plan row with an occurrence due
now. ``deliver-and-die``: claim and render that delivery, then SIGKILL itself at the hook point
between rendering and sending — as a worker killed by the OOM killer or a power cut would die.
"""

import os
import signal
import sys
from datetime import date, timedelta

import django


def setup() -> None:
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from rapport.accounts import services as accounts
    from rapport.comms import services as comms
    from rapport.projects import services as projects
    from rapport.stakeholders import services as stakeholders
    from rapport.status import services as status

    pm = accounts.user_create(
        email="pm@example.com", password="x-very-long-password", full_name="PM"
    )
    org = accounts.org_create(actor=pm, slug="acme", name="Acme")
    project = projects.project_create(
        actor=pm, org=org, code="KILL", name="Killed worker", time_zone="UTC"
    )
    kim = stakeholders.stakeholder_add(
        actor=pm,
        project=project,
        new_party={"name": "Kim Killed", "email": "kim.killed@customer.example"},
    ).party
    status.status_update_create(
        actor=pm,
        project=project,
        period_start=date(2025, 3, 3),
        period_end=date(2025, 3, 9),
        overall="amber",
        summary="Late",
        not_going_well="Hosting",
        publish=True,
    )
    now = timezone.now()
    due = (now - timedelta(minutes=30)).replace(second=0, microsecond=0)
    comms.plan_row_create(
        actor=pm,
        project=project,
        audience_parties=[kim],
        comm_type="simple",
        channel="email",
        rrule="FREQ=DAILY",
        start_date=due.date() - timedelta(days=1),
        send_time=due.time(),
        now=now - timedelta(hours=1),
    )


def deliver_and_die() -> None:
    from rapport.comms import delivery

    delivery.CHECKPOINTS["after-render"] = lambda _d: os.kill(os.getpid(), signal.SIGKILL)
    delivery.comms_deliver(worker="doomed", snapshots=False)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    {"setup": setup, "deliver-and-die": deliver_and_die}[sys.argv[1]]()
