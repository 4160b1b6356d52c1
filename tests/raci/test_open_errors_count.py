"""The project's health counts RACI errors on open activities with one query, not by loading the
matrix: the count must match what the full check reports, on any matrix."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.raci import selectors
from rapport.raci.models import Activity, Assignment
from rapport.stakeholders.models import Party, ProjectStakeholder

STATUSES = ("not_started", "in_progress", "done", "cancelled")


def random_matrix(project, rng: random.Random, *, activities=40, parties=12) -> None:
    """Activities with none, one or several Accountable, in every status; some letters held by
    parties that are no longer on the project (they still count)."""
    Party.objects.bulk_create(
        [Party(org_id=project.org_id, name=f"Party {n:03d}") for n in range(parties)]
    )
    made = list(Party.objects.filter(org_id=project.org_id, name__startswith="Party "))
    ProjectStakeholder.objects.bulk_create(
        [ProjectStakeholder(project=project, party=p) for p in made[: parties - 2]]
    )
    Activity.objects.bulk_create(
        [
            Activity(project=project, name=f"Step {n:03d}", status=rng.choice(STATUSES), position=n)
            for n in range(activities)
        ]
    )
    rows = list(Activity.objects.filter(project=project))
    cells = []
    for activity in rows:
        chosen = rng.sample(made, rng.randint(0, parties))
        owners = rng.choice([0, 1, 1, 1, 2, 3])
        for index, party in enumerate(chosen):
            letter = "A" if index < owners else rng.choice("RCI")
            cells.append(Assignment(activity=activity, party=party, letter=letter))
    Assignment.objects.bulk_create(cells)


def errors_on_open_activities_by_full_check(project) -> int:
    matrix = selectors.matrix_get(project)
    open_ids = {a.id for a in matrix.activities if a.is_open}
    return sum(
        1
        for finding in selectors.raci_findings(matrix)
        if finding.severity == "error" and finding.activity_id in open_ids
    )


@pytest.mark.parametrize("seed", range(6))
def test_the_count_matches_the_full_check(world, seed):
    random_matrix(world.alpha, random.Random(seed))
    expected = errors_on_open_activities_by_full_check(world.alpha)
    assert expected > 0  # the random matrices do have errors to count
    assert selectors.open_activities_without_one_accountable(world.alpha) == expected


def test_it_is_one_query_whatever_the_size(world):
    random_matrix(world.alpha, random.Random(7), activities=300, parties=30)
    with CaptureQueriesContext(connection) as queries:
        selectors.open_activities_without_one_accountable(world.alpha)
    assert len(queries) == 1


def test_closed_work_and_other_projects_do_not_count(world):
    random_matrix(world.alpha, random.Random(3))
    before = selectors.open_activities_without_one_accountable(world.alpha)
    # A done activity with nobody Accountable is history, not a problem to fix.
    Activity.objects.create(project=world.alpha, name="Finished", status="done", position=999)
    # Another project's errors are its own.
    Activity.objects.create(project=world.omega, name="Elsewhere", position=1)
    assert selectors.open_activities_without_one_accountable(world.alpha) == before
    assert selectors.open_activities_without_one_accountable(world.omega) == 1
