"""People change a project's RACI, its stakeholders and its risks at the same moment: nobody gets
an error, and the health the workers keep is the project's health as it is.

A RACI write holds the project's RACI version row first (raci.services.matrix_lock), and moves
the evidence's version row when it changes an Accountable; a stakeholder's power or a party's
name moves both versions, by triggers that take the RACI's row first too (their names sort so:
migration status.0003). Taken in one order, these writers queue instead of deadlocking. Runs on PostgreSQL, where writers really overlap (see
tests/test_uniqueness_races.py).
"""

import pytest

from rapport.accounts import services as accounts
from rapport.raci import services as raci
from rapport.stakeholders import services as stakeholders
from rapport.status import health_kept, selectors
from tests.test_uniqueness_races import api_call, fire, pytestmark  # noqa: F401

ROUNDS = 3


@pytest.fixture
def token(transactional_db, world):
    return accounts.api_token_create(actor=world.manager, name="races")[1]


@pytest.fixture
def project(world, token):
    stakes = [
        stakeholders.stakeholder_add(
            actor=world.manager, project=world.alpha, new_party={"name": f"Person {n}"}
        )
        for n in range(4)
    ]
    activities = [
        raci.activity_create(actor=world.manager, project=world.alpha, name=f"Step {n}")
        for n in range(4)
    ]
    for activity in activities:
        for stake in stakes:
            raci.raci_assign(actor=world.manager, activity=activity, party=stake.party, letter="I")
    return {
        "cells": [(a.pk, s.party_id) for a in activities for s in stakes],
        "stakeholders": [s.pk for s in stakes],
        "parties": [s.party_id for s in stakes],
    }


def test_raci_stakeholder_party_and_risk_writes_at_once_all_go_through(world, token, project):
    alpha = world.alpha.pk

    def accountable_everywhere(cells):
        body = {"cells": [{"activity_id": a, "party_id": p, "letter": "A"} for a, p in cells]}
        return api_call(token, "put", f"/projects/{alpha}/raci/cells", body)

    for round_ in range(ROUNDS):
        requests = []
        for n in range(12):
            stakeholder = project["stakeholders"][n % 4]
            if n % 4 == 0:  # the RACI: holds its version, then moves the evidence's
                cells = project["cells"] if n % 8 else list(reversed(project["cells"]))
                requests.append(accountable_everywhere(cells))
            elif n % 4 == 1:  # a stakeholder's power: both versions, from one row
                body = {"power": 1 + (n + round_) % 5, "interest": 1 + n % 5}
                path = f"/projects/{alpha}/stakeholders/{stakeholder}"
                requests.append(api_call(token, "patch", path, body))
            elif n % 4 == 2:  # a party renamed: both versions
                body = {"party": {"name": f"Person {n} ({round_})"}}
                path = f"/projects/{alpha}/stakeholders/{stakeholder}"
                requests.append(api_call(token, "patch", path, body))
            else:  # a risk: the evidence's version only
                body = {"title": f"Risk {round_}-{n}", "probability": "high", "impact": "high"}
                requests.append(api_call(token, "post", f"/projects/{alpha}/risks", body))
        results = fire(requests)
        assert [status for status, _ in results] == [
            201 if n % 4 == 3 else 200 for n in range(12)
        ], results

    kept = health_kept.project_health_now(world.alpha)
    assert kept.to_dict()["evidence"] == selectors.project_health(world.alpha).to_dict()["evidence"]
