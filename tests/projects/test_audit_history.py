"""Every change is attributable: who, when, and each field before and after — deletions too."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.accounts import services as accounts
from rapport.projects import services as projects

pytestmark = pytest.mark.django_db

MOMENT = datetime(2031, 3, 14, 9, 26, 53, tzinfo=UTC)  # after the world's creation


def latest():
    return LogEntry.objects.order_by("-pk").first()


def api_history(client, user, project_id, **params):
    _, token = accounts.api_token_create(actor=user, name="history reader")
    return client.get(
        f"/api/v1/projects/{project_id}/history", params, HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_a_change_records_who_when_and_each_field_before_and_after(world, client_for):
    with time_machine.travel(MOMENT, tick=False):
        client_for(world.manager).post(
            "/o/acme/p/ALPHA/edit/",
            {
                "name": "Alpha, phase one",
                "description": "",
                "business_case": "",
                "start_date": "",
                "target_date": "",
                "budget": "250.00",
                "currency": "EUR",
                "state": "proposed",
                "time_zone": "UTC",
                "goals": "Happy customers",
            },
        )

    entry = latest()
    assert entry.actor == world.manager
    assert entry.timestamp == MOMENT
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["name"] == ["Alpha rollout", "Alpha, phase one"]
    assert entry.changes_dict["budget"][1] == "250.00"
    assert set(entry.changes_dict) == {"name", "budget"}  # unchanged fields are not recorded


@pytest.mark.parametrize(
    "write, actor_name",
    [
        (
            lambda w: projects.project_update(actor=w.manager, project=w.alpha, name="Renamed"),
            "manager",
        ),
        (
            lambda w: projects.project_update(
                actor=w.manager, project=w.alpha, goals=["A new goal"]
            ),
            "manager",
        ),
        (
            lambda w: projects.project_member_set(
                actor=w.owner, project=w.alpha, user=w.member, role="viewer"
            ),
            "owner",
        ),
        (
            lambda w: projects.project_member_remove(actor=w.owner, project=w.alpha, user=w.viewer),
            "owner",
        ),
        (
            lambda w: projects.project_create(actor=w.member, org=w.acme, code="NEW", name="New"),
            "member",
        ),
        (
            lambda w: projects.project_delete(actor=w.owner, project=w.alpha, confirm_code="ALPHA"),
            "owner",
        ),
        (lambda w: accounts.org_create(actor=w.member, slug="initech", name="Initech"), "member"),
        (
            lambda w: accounts.org_member_add(actor=w.outsider, org=w.globex, user=w.member),
            "outsider",
        ),
        (
            lambda w: accounts.org_member_set_role(
                actor=w.owner, org=w.acme, user=w.member, role="owner"
            ),
            "owner",
        ),
        (lambda w: accounts.org_member_remove(actor=w.owner, org=w.acme, user=w.viewer), "owner"),
        (
            lambda w: accounts.invitation_create(actor=w.owner, org=w.acme, email="x@acme.example"),
            "owner",
        ),
        (lambda w: accounts.api_token_create(actor=w.viewer, name="script"), "viewer"),
    ],
)
def test_every_service_write_records_its_actor(world, write, actor_name):
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    write(world)

    new_entries = LogEntry.objects.filter(pk__gt=before)
    assert new_entries.exists()
    assert {e.actor for e in new_entries} == {getattr(world, actor_name)}


def test_revoking_an_invitation_or_a_token_is_recorded(world):
    invitation, _ = accounts.invitation_create(
        actor=world.owner, org=world.acme, email="x@acme.example"
    )
    token, _ = accounts.api_token_create(actor=world.viewer, name="script")

    accounts.invitation_revoke(actor=world.owner, invitation=invitation)
    assert latest().actor == world.owner and "revoked_at" in latest().changes_dict
    accounts.api_token_revoke(actor=world.viewer, token=token)
    assert latest().actor == world.viewer and "revoked_at" in latest().changes_dict


def test_the_history_page_shows_who_changed_what(world, client_for):
    projects.project_update(
        actor=world.manager, project=world.alpha, name="Alpha, phase one", budget=Decimal("250")
    )

    page = client_for(world.viewer).get("/o/acme/p/ALPHA/history/").content.decode()

    # One plain sentence a row, the field-by-field detail one click away.
    assert (
        "Max Manager changed the project “ALPHA — Alpha, phase one”: name from Alpha rollout to "
        "Alpha, phase one; budget from — to 250" in page
    )
    assert "<summary>What changed</summary>" in page
    assert '<th scope="row">name</th><td>Alpha rollout</td><td>Alpha, phase one</td>' in page
    # A field that was empty before shows a dash, not the word "None".
    assert '<th scope="row">budget</th><td>—</td><td>250</td>' in page


def test_the_history_page_lists_goals_and_team_changes_too(world, client_for):
    projects.project_update(actor=world.manager, project=world.alpha, goals=["Fast delivery"])
    projects.project_member_remove(actor=world.manager, project=world.alpha, user=world.viewer)

    page = client_for(world.manager).get("/o/acme/p/ALPHA/history/").content.decode()

    assert "Max Manager added the goal “Fast delivery”" in page
    assert "Max Manager removed the goal “Happy customers”" in page
    assert "Max Manager removed the project membership “Vera Viewer (Viewer on ALPHA)”" in page


def test_the_history_of_one_project_shows_nothing_of_another(world, client_for):
    projects.project_update(actor=world.outsider, project=world.omega, name="Omega renamed")
    other = projects.project_create(
        actor=world.manager, org=world.acme, code="BETA", name="Beta secret"
    )

    page = client_for(world.manager).get("/o/acme/p/ALPHA/history/").content.decode()

    assert "Omega" not in page and "Beta secret" not in page
    assert other.pk != world.alpha.pk


def test_the_api_gives_the_same_history_as_json(world, client):
    with time_machine.travel(MOMENT, tick=False):
        projects.project_update(
            actor=world.manager, project=world.alpha, name="Renamed", budget=Decimal("10")
        )

    response = api_history(client, world.viewer, world.alpha.pk)

    assert response.status_code == 200
    newest = response.json()["items"][0]
    assert newest["actor"] == "Max Manager"
    assert newest["action"] == "changed"
    assert newest["object_type"] == "project"
    assert newest["object"] == "ALPHA — Renamed"
    assert newest["at"].startswith("2031-03-14T09:26:53")
    changes = {c["field"]: [c["before"], c["after"]] for c in newest["changes"]}
    assert changes == {"name": ["Alpha rollout", "Renamed"], "budget": [None, "10"]}


def test_a_creation_in_the_api_history_lists_the_projects_own_fields(world, client):
    items = api_history(client, world.manager, world.alpha.pk).json()["items"]

    created = next(i for i in items if i["object_type"] == "project" and i["action"] == "created")
    fields = {c["field"] for c in created["changes"]}
    assert {"code", "name", "state"} <= fields
    assert not {"goals", "memberships"} & fields  # related rows have entries of their own


def test_the_api_history_is_paginated(world, client):
    for n in range(5):
        projects.project_update(actor=world.manager, project=world.alpha, name=f"Name {n}")

    response = api_history(client, world.manager, world.alpha.pk, limit=2, offset=1)

    body = response.json()
    assert (
        body["count"] == LogEntry.objects.filter(additional_data__project_id=world.alpha.pk).count()
    )
    assert [i["object"] for i in body["items"]] == ["ALPHA — Name 3", "ALPHA — Name 2"]


def test_a_deleted_project_leaves_its_history_with_the_organisation(world, client_for):
    projects.project_delete(actor=world.owner, project=world.alpha, confirm_code="ALPHA")

    page = client_for(world.owner).get("/o/acme/history/").content.decode()

    assert "Olga Owner removed the project “ALPHA — Alpha rollout”" in page
    assert "Olga Owner removed the goal “Happy customers”" in page
    assert (
        "Olga Owner removed the project membership “Carl Contributor (Contributor on ALPHA)”"
        in page
    )
    deleted = LogEntry.objects.get(action=LogEntry.Action.DELETE, content_type__model="project")
    assert deleted.changes_dict["name"] == ["Alpha rollout", "None"]  # the last state is kept


def test_the_organisation_history_is_for_its_owners(world, client_for):
    assert client_for(world.manager).get("/o/acme/history/").status_code == 403


def test_changes_made_from_the_command_line_are_credited_to_the_only_owner(world, client_for):
    # Nobody named with --as or RAPPORT_ACTOR: Acme has one owner, so it was her.
    call_command(
        "project", "create", "CLI", "--name", "Made in a terminal", "--org", "acme", stdout=None
    )

    page = client_for(world.owner).get("/o/acme/p/CLI/history/").content.decode()

    assert "Olga Owner added the project “CLI — Made in a terminal”" in page
    assert LogEntry.objects.get(object_repr="CLI — Made in a terminal").actor == world.owner


def test_a_project_without_changes_says_how_history_works(world, client_for):
    # The world's project has a history already: forget it for this test.
    LogEntry.objects.filter(additional_data__project_id=world.alpha.pk).delete()

    page = client_for(world.manager).get("/o/acme/p/ALPHA/history/").content.decode()

    assert "No changes recorded yet." in page


def test_the_history_page_takes_the_same_number_of_queries_for_many_entries(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.viewer)
    with CaptureQueriesContext(connection) as few:
        client.get("/o/acme/p/ALPHA/history/")
    for n in range(20):
        projects.project_update(
            actor=world.manager if n % 2 else world.owner, project=world.alpha, name=f"N{n}"
        )

    with django_assert_max_num_queries(len(few)):
        page = client.get("/o/acme/p/ALPHA/history/").content.decode()
    assert "N19" in page


def test_a_list_recorded_as_json_reads_as_one_line_per_item(world, client_for, client):
    from rapport.status import services as status

    update = status.status_update_create(
        actor=world.manager,
        project=world.alpha,
        period_start=world.alpha.created_at.date(),
        period_end=world.alpha.created_at.date(),
        overall="amber",
        summary="Slipping",
        not_going_well="Data migration",
    )
    status.risk_create(
        actor=world.manager,
        project=world.alpha,
        title="Dirty data",
        probability="high",
        impact="high",
    )
    status.status_update_publish(actor=world.manager, update=update)

    page = client_for(world.viewer).get("/o/acme/p/ALPHA/history/").content.decode()

    row = page[page.index('<th scope="row">top risks</th>') :][:600]
    assert "title: Dirty data" in row and "probability: high" in row
    assert '"title"' not in row and "&quot;" not in row  # no raw JSON
    # The API keeps the recorded value itself, for programs.
    items = api_history(client, world.viewer, world.alpha.pk).json()["items"]
    published = next(i for i in items if i["object_type"] == "status update" and i["changes"])
    risks = next(c for c in published["changes"] if c["field"] == "top risks")
    assert json.loads(risks["after"])[0]["title"] == "Dirty data"
