"""Many people change the same RACI at the same moment: nobody gets an error.

Every RACI write takes the project's RACI version row first (services.matrix_lock): the version
triggers take it anyway at the first changed row, and a writer that held a cell while waiting for
it could deadlock with one holding the version while waiting for that cell. Runs on PostgreSQL,
where writers really overlap (see tests/test_uniqueness_races.py).
"""

import pytest

from rapport.accounts import services as accounts
from rapport.raci import matrix_cache, selectors
from rapport.raci import services as raci
from rapport.raci.models import Assignment
from rapport.stakeholders import services as stakeholders
from tests.test_uniqueness_races import api_call, fire, pytestmark  # noqa: F401

ROUNDS = 3


@pytest.fixture
def token(transactional_db, world):
    return accounts.api_token_create(actor=world.manager, name="races")[1]


@pytest.fixture
def matrix(world, token):
    parties = [
        stakeholders.stakeholder_add(
            actor=world.manager, project=world.alpha, new_party={"name": f"Person {n}"}
        ).party
        for n in range(4)
    ]
    activities = [
        raci.activity_create(actor=world.manager, project=world.alpha, name=f"Step {n}")
        for n in range(4)
    ]
    for activity in activities:
        for party in parties:
            raci.raci_assign(actor=world.manager, activity=activity, party=party, letter="I")
    return [(a.pk, p.pk) for a in activities for p in parties]


def test_batches_in_opposite_orders_single_cells_and_activity_edits_all_go_through(
    world, token, matrix
):
    path = f"/projects/{world.alpha.pk}/raci/cells"

    def batch(cells, letter):
        return api_call(
            token,
            "put",
            path,
            {"cells": [{"activity_id": a, "party_id": p, "letter": letter} for a, p in cells]},
        )

    for _ in range(ROUNDS):
        requests = []
        for n in range(12):
            if n % 3 == 0:
                requests.append(batch(matrix, "R"))  # every cell, first to last
            elif n % 3 == 1:
                requests.append(batch(list(reversed(matrix)), "C"))  # last to first
            elif n % 2:
                requests.append(batch([matrix[n]], "A"))  # one cell, as a click
            else:  # someone renames or moves an activity whose cells are being set
                activity_id = matrix[n][0]
                body = {"name": f"Step {activity_id} ({n})"} if n % 4 else {"move": "up"}
                requests.append(
                    api_call(
                        token, "patch", f"/projects/{world.alpha.pk}/activities/{activity_id}", body
                    )
                )
        results = fire(requests)
        assert [status for status, _ in results] == [200] * len(requests), results

    # Whatever order they ran in, the kept findings are those of the matrix as it is.
    matrix_cache.forget_all()
    assert Assignment.objects.filter(activity__project=world.alpha).count() == len(matrix)
    kept = matrix_cache.matrix_with_findings(world.alpha)[1]
    assert kept == selectors.raci_findings(selectors.matrix_get(world.alpha))
