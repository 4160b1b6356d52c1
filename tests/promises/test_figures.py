"""Figures per project, per person who made the promises and per party."""

from datetime import date

import pytest

from rapport.promises import selectors, services
from tests.estimates.factories import customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """20 November 2026, 10:00 UTC."""
    time_machine.move_to("2026-11-20 10:00 +00:00", tick=False)


def test_figures_are_kept_per_project_per_pm_and_per_party(world):
    sales, cfo = customer(world, "Sales team"), customer(world, "CFO")

    def make(by, to, due, delivered=None, scope="as"):
        c = services.commitment_create(
            actor=by,
            project=world.alpha,
            party=to.party,
            what="x",
            promised_date=due,
            made_on=date(2026, 10, 1),
        )
        if delivered:
            services.commitment_deliver(
                actor=by, commitment=c, delivered_on=delivered, delivered_scope=scope
            )
        return c

    make(world.manager, sales, date(2026, 10, 20), date(2026, 10, 18), "more")  # kept, 2 early
    make(world.manager, cfo, date(2026, 10, 20), date(2026, 10, 24), "as")  # broken, 4 late
    make(world.contributor, sales, date(2026, 11, 10))  # overdue
    make(world.contributor, cfo, date(2026, 12, 10))  # open

    figures = selectors.commitment_figures(world.alpha)
    project = figures["project"]
    assert (project.total, project.kept, project.broken, project.overdue, project.open) == (
        4,
        1,
        1,
        1,
        2,
    )
    assert project.mean_days_late == 1.0 and (project.more, project.as_promised) == (1, 1)
    per_pm = {row.label: row.figures for row in figures["per_pm"]}
    assert per_pm["Max Manager"].kept_text == "1 of 2 closed (50 %)"
    assert per_pm["Carl Contributor"].overdue == 1
    per_party = {row.label: row.figures for row in figures["per_party"]}
    assert (per_party["Sales team"].kept, per_party["CFO"].broken) == (1, 1)


def test_figures_cost_the_same_queries_however_many_promises(world, django_assert_max_num_queries):
    sales = customer(world, "Sales team")

    def add(n):
        for i in range(n):
            services.commitment_create(
                actor=world.manager,
                project=world.alpha,
                party=sales.party,
                what=f"p{i}",
                promised_date=date(2026, 12, 1),
            )

    add(2)
    with django_assert_max_num_queries(1):
        selectors.commitment_figures(world.alpha)
    add(30)
    with django_assert_max_num_queries(1):
        selectors.commitment_figures(world.alpha)
