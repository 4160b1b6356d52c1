"""Completed projects with known overruns, made through the services like real ones: the history
the track record and the calibration learn from."""

from datetime import date
from decimal import Decimal

import numpy as np

from rapport.estimates import calendar as working_calendar
from rapport.estimates import rules
from rapport.projects import services as projects
from rapport.raci import services as raci
from rapport.status import services as status

from .factories import NETWORK, estimated_network


def working_day(start: date, days: float) -> date:
    return rules.working_days_to_date(start, max(days, 1))


def completed_project(
    world, code: str, *, overrun: float, start=date(2025, 1, 6), spent=None, seed: int = 0
) -> object:
    """A project in Acme with the NETWORK estimated, every activity done in ``overrun`` × its
    most likely duration (one after the other along its chain), then completed. With ``spent``
    a published status update says what it cost."""
    rng = np.random.default_rng(seed)
    project = projects.project_create(
        actor=world.manager,
        org=world.acme,
        code=code,
        name=f"Past project {code}",
        start_date=start,
    )
    made = estimated_network(world, project=project)
    finish: dict[str, date] = {}
    for name, duration, _, preds in NETWORK:
        begin = max([finish[p] for p in preds], default=start)
        days = duration[1] * overrun * rng.uniform(0.95, 1.05)
        end = working_day(begin, days) if duration[1] else begin
        finish[name] = end
        raci.activity_update(
            actor=world.manager,
            activity=made[name],
            status="done",
            actual_start=begin,
            actual_finish=end,
        )
    if spent is not None:
        status.status_update_create(
            actor=world.manager,
            project=project,
            period_start=start,
            period_end=max(finish.values()),
            overall="green",
            summary="Done",
            not_going_well="Nothing",
            spent=Decimal(spent),
            publish=True,
        )
    projects.project_update(actor=world.manager, project=project, state="active")
    projects.project_update(actor=world.manager, project=project, state="completed")
    project.refresh_from_db()
    project.actual_days = working_calendar.working_days_until(start, max(finish.values()))
    return project
