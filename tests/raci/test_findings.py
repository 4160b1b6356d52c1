"""The checks on a stored RACI: the matrix read from the database gives the pure rules what they
need (groups, customers and their scores, open work, outcomes, the project's thresholds)."""

import pytest

from rapport.raci import selectors, services
from rapport.stakeholders import services as stakeholders

pytestmark = pytest.mark.django_db


def findings(project):
    return [
        (f.code, f.activity_name, f.party_name)
        for f in selectors.raci_findings(selectors.matrix_get(project))
    ]


def test_a_well_formed_raci_has_no_finding(world, small):
    a, p = small["activities"], small["parties"]
    for activity in a.values():
        services.raci_assign(actor=world.manager, activity=activity, party=p["ann"], letter="A")
        services.raci_assign(actor=world.manager, activity=activity, party=p["bob"], letter="R")
        services.raci_assign(actor=world.manager, activity=activity, party=p["carla"], letter="I")
    services.raci_settings_update(actor=world.manager, project=world.alpha, overload_percent=100)
    assert findings(world.alpha) == []


def test_errors_come_first_and_name_the_activity_and_party(world, small):
    a, p = small["activities"], small["parties"]
    services.raci_assign(actor=world.manager, activity=a["build"], party=p["ann"], letter="A")
    services.raci_assign(actor=world.manager, activity=a["build"], party=p["finance"], letter="A")
    found = findings(world.alpha)
    assert found[0] == ("multiple-accountable", "Build the portal", None)
    assert ("accountable-is-group", "Build the portal", "Finance") in found
    assert ("key-customer-not-informed", None, "Carla Díaz") in found


def test_done_activities_do_not_count_towards_overload(world, small):
    a, p = small["activities"], small["parties"]
    for activity in a.values():
        services.raci_assign(actor=world.manager, activity=activity, party=p["bob"], letter="R")
    assert ("overloaded", None, "Bob Ng") in findings(world.alpha)
    for activity in a.values():
        services.activity_update(actor=world.manager, activity=activity, status="done")
    assert ("overloaded", None, "Bob Ng") not in findings(world.alpha)


def test_an_outcome_no_activity_serves_is_a_finding(world, small):
    outcome = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Faster answers"
    )
    found = selectors.raci_findings(selectors.matrix_get(world.alpha))
    assert [f.outcome_id for f in found if f.code == "outcome-not-served"] == [outcome.pk]
    services.activity_outcomes_set(
        actor=world.manager, activity=small["activities"]["build"], outcomes=[outcome]
    )
    assert "outcome-not-served" not in [c for c, _, _ in findings(world.alpha)]


def test_a_party_that_left_the_project_still_counts_in_the_checks(world, small):
    a, p = small["activities"], small["parties"]
    services.raci_assign(actor=world.manager, activity=a["build"], party=p["bob"], letter="A")
    stakeholders.stakeholder_remove(
        actor=world.manager, stakeholder=world.alpha.stakeholders.get(party=p["bob"])
    )
    matrix = selectors.matrix_get(world.alpha)
    assert [party.name for party in matrix.parties if not party.on_project] == ["Bob Ng"]
    assert ("no-accountable", "Build the portal", None) not in findings(world.alpha)
