"""Estimate and promise objects for tests, made through the services like real ones."""

from datetime import date, timedelta
from decimal import Decimal

from rapport.estimates import services as estimates
from rapport.projects import services as projects
from rapport.promises import services as promises
from rapport.raci import services as raci
from rapport.stakeholders import services as stakeholders

# name, duration (o, m, p) working days, cost (o, m, p), predecessors by name
NETWORK = [
    ("Design", (5, 8, 14), (4000, 6000, 9000), []),
    ("Build", (10, 15, 30), (20000, 30000, 55000), ["Design"]),
    ("Data migration", (4, 6, 12), (5000, 7000, 15000), ["Design"]),
    ("Test", (3, 5, 9), (3000, 4000, 7000), ["Build", "Data migration"]),
    ("Go-live", (0, 0, 0), (0, 0, 0), ["Test"]),
]


def activities(world, names=None, project=None):
    """Activities of ALPHA (or ``project``) by name, created through the RACI service."""
    project = project or world.alpha
    return {
        name: raci.activity_create(actor=world.manager, project=project, name=name)
        for name in (names or [n for n, *_ in NETWORK])
    }


def estimated_network(world, *, project=None, reason="First estimate") -> dict:
    """The NETWORK on ALPHA, every activity estimated in one version, with its dependencies."""
    project = project or world.alpha
    made = activities(world, project=project)
    estimates.estimates_set_many(
        actor=world.manager,
        project=project,
        rows=[
            {"activity": made[name], "duration": list(d), "cost": list(c)}
            for name, d, c, _ in NETWORK
        ],
        reason=reason,
    )
    for name, _, _, preds in NETWORK:
        if preds:
            estimates.dependencies_set(
                actor=world.manager,
                activity=made[name],
                predecessors=[made[p] for p in preds],
                reason=f"{name} waits for {', '.join(preds)}",
            )
    return made


def with_start(world, start=date(2026, 1, 5), budget=Decimal("60000")):
    """ALPHA starts on a Monday, with a budget; ``world.alpha`` is refreshed."""
    world.alpha = projects.project_update(
        actor=world.manager, project=world.alpha, start_date=start, budget=budget
    )
    world.alpha.refresh_from_db()
    return world.alpha


def customer(world, name="Pat Customer", project=None):
    return stakeholders.stakeholder_add(
        actor=world.manager,
        project=project or world.alpha,
        new_party={"name": name},
        is_customer=True,
    )


def promise(world, *, to=None, what="Send the fit-gap report", due=None, made_on=None, **fields):
    to = to or customer(world)
    today = promises.project_today(world.alpha)
    return promises.commitment_create(
        actor=world.manager,
        project=world.alpha,
        party=to.party,
        what=what,
        promised_date=due or today + timedelta(days=10),
        made_on=made_on or today - timedelta(days=30),
        **fields,
    )


def estimates_sample(world) -> dict:
    """On ALPHA: an estimated network with a target and a run, two versions or more, a promise
    and an expectation. Returns the ids URL patterns and API paths name."""
    with_start(world)
    made = estimated_network(world)
    estimates.constraint_set(
        actor=world.manager,
        project=world.alpha,
        reason="Sponsor's ask",
        finish_date=date(2026, 2, 27),
        budget=Decimal("50000"),
    )
    estimates.simulation_run(actor=world.manager, project=world.alpha, iterations=500, seed=1)
    to = customer(world, "Penny Promisee")
    # fixed dates: a promise made and due long ago (overdue), deliverable on any date since
    commitment = promise(world, to=to, due=date(2020, 2, 1), made_on=date(2020, 1, 1))
    expectation = promises.expectation_create(
        actor=world.manager,
        project=world.alpha,
        stakeholder=to,
        kind="budget",
        words="No more than 40K",
        amount=Decimal("40000"),
    )
    return {
        "activity_id": made["Build"].pk,
        "commitment_id": commitment.pk,
        "expectation_id": expectation.pk,
        "version_number": 1,
    }
