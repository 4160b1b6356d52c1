"""Uniqueness rules hold when many people submit the same thing at the same moment.

Each rule is a database constraint; the service's check before the write only words the message.
These tests fire parallel requests (threads, each with its own database connection, all released
by a barrier together) and expect exactly one winner, a clear refusal for everyone else, and never
a 500.

They run on PostgreSQL (`make test-postgres`), where writers really overlap. On SQLite they are
skipped: the in-memory test database is one shared-cache database that cannot take concurrent
writers at all, and SQLite itself never lets two writes overlap (Rapport opens every transaction
with BEGIN IMMEDIATE), so these races cannot happen there.
"""

import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from rapport.accounts import services as accounts
from rapport.raci import services as raci
from rapport.raci.models import Activity, Assignment, Phase
from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Party, ProjectStakeholder

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite never runs two writes at once (BEGIN IMMEDIATE) and its in-memory test "
    "database cannot take concurrent writers: run on PostgreSQL (make test-postgres)",
)

PARALLEL = 24  # requests per race; the throwaway PostgreSQL allows 100 connections


def fire(requests) -> list[tuple[int, str]]:
    """Send every request at the same moment, one thread each; (status, body) in order.

    `requests` are callables taking a fresh test Client. Each thread closes its connection so
    that the test database can be flushed afterwards."""
    barrier = threading.Barrier(len(requests))
    results: list[tuple[int, str] | None] = [None] * len(requests)

    def run(index, request):
        client = Client()
        try:
            barrier.wait(timeout=30)
            response = request(client)
            results[index] = (response.status_code, response.content.decode())
        except Exception as error:  # a crash in the thread must fail the test, not vanish
            results[index] = (-1, repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def api_call(token: str, method: str, path: str, body: dict):
    def request(client):
        return getattr(client, method)(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return request


def assert_one_winner(results, *, won: int, refused: str):
    statuses = [status for status, _ in results]
    assert -1 not in statuses, [body for status, body in results if status == -1]
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(won) == 1, statuses
    losers = [(status, body) for status, body in results if status != won]
    assert {status for status, _ in losers} <= {400, 409}, losers
    unclear = [(status, body) for status, body in losers if refused not in body]
    assert unclear == []


@pytest.fixture
def token(transactional_db, world):
    _, raw = accounts.api_token_create(actor=world.manager, name="races")
    return raw


def test_one_activity_name_written_in_many_cases_at_once_is_created_once(world, token):
    spellings = ["Go-live", "GO-LIVE", "go-live", "Go-Live ", " go-LIVE", "Gó-live"]
    results = fire(
        [
            api_call(
                token,
                "post",
                f"/projects/{world.alpha.pk}/activities",
                {"name": spellings[i % len(spellings)]},
            )
            for i in range(PARALLEL)
        ]
    )

    assert_one_winner(results, won=201, refused="ALPHA already has an activity called")
    assert Activity.objects.filter(project=world.alpha).count() == 1


def test_one_raci_cell_set_by_many_at_once_holds_one_letter(world, token):
    party = stakeholders.party_create(actor=world.owner, org=world.acme, name="Ann Lee")
    stakeholders.stakeholder_add(actor=world.manager, project=world.alpha, party=party)
    activity = raci.activity_create(actor=world.manager, project=world.alpha, name="Go-live")
    cell = {"activity_id": activity.pk, "party_id": party.pk}

    results = fire(
        [
            api_call(
                token,
                "put",
                f"/projects/{world.alpha.pk}/raci/cells",
                {"cells": [{**cell, "letter": "RACI"[i % 4]}]},
            )
            for i in range(PARALLEL)
        ]
    )

    statuses = [status for status, _ in results]
    assert all(0 < status < 500 for status in statuses), results
    # The first write creates the cell; later ones change it, or (those that raced the first)
    # are told someone else set it at the same moment.
    assert set(statuses) <= {200, 409}, statuses
    assert all(
        "was given a letter on 'Go-live' by someone else" in body
        for status, body in results
        if status == 409
    )
    assert Assignment.objects.filter(activity=activity, party=party).count() == 1


def test_one_party_put_on_a_project_by_many_at_once_is_on_it_once(world, token):
    party = stakeholders.party_create(actor=world.owner, org=world.acme, name="Ann Lee")
    results = fire(
        [
            api_call(
                token, "post", f"/projects/{world.alpha.pk}/stakeholders", {"party_id": party.pk}
            )
            for _ in range(PARALLEL)
        ]
    )

    assert_one_winner(results, won=201, refused="Ann Lee is on ALPHA already.")
    assert ProjectStakeholder.objects.filter(project=world.alpha, party=party).count() == 1


def test_one_name_added_to_the_register_by_many_at_once_is_added_once(world, transactional_db):
    _, owner_token = accounts.api_token_create(actor=world.owner, name="races")
    spellings = ["Dana Diaz", "dana diaz", "DANA DIAZ"]
    results = fire(
        [
            api_call(
                owner_token,
                "post",
                "/orgs/acme/parties",
                {"name": spellings[i % 3], "organisation": "Initech"},
            )
            for i in range(PARALLEL)
        ]
    )

    assert_one_winner(results, won=201, refused="is in the register already")
    assert Party.objects.filter(org=world.acme, name__iexact="dana diaz").count() == 1


def test_one_phase_name_written_in_many_cases_at_once_is_created_once(world, token):
    results = fire(
        [
            api_call(
                token,
                "post",
                f"/projects/{world.alpha.pk}/phases",
                {"name": "Build" if i % 2 else "BUILD"},
            )
            for i in range(PARALLEL)
        ]
    )

    assert_one_winner(results, won=201, refused="ALPHA already has a phase called")
    assert Phase.objects.filter(project=world.alpha).count() == 1


def test_one_project_code_claimed_by_many_at_once_is_given_once(world, token):
    results = fire(
        [
            api_call(token, "post", "/projects", {"org": "acme", "code": "beta", "name": "Beta"})
            for _ in range(PARALLEL)
        ]
    )

    assert_one_winner(
        results, won=201, refused="Acme Corp already has a project with the code BETA"
    )


def test_one_activity_submitted_on_many_forms_at_once_is_created_once(world, transactional_db):
    url = "/o/acme/p/ALPHA/activities/new/"

    def submit(spelling):
        def request(client):
            client.force_login(world.manager, backend="django.contrib.auth.backends.ModelBackend")
            return client.post(url, {"name": spelling, "kind": "task", "status": "not_started"})

        return request

    results = fire([submit("Sign-off" if i % 2 else "SIGN-OFF") for i in range(PARALLEL)])

    statuses = [status for status, _ in results]
    assert all(0 < status < 500 for status in statuses), results
    assert statuses.count(302) == 1, statuses  # the winner goes on to the activity list
    # everyone else sees the form again, with the clear reason on the name field
    assert all(
        "ALPHA already has an activity called" in body for status, body in results if status != 302
    )
    assert Activity.objects.filter(project=world.alpha).count() == 1
