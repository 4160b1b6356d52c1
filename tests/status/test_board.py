"""The organisation board: every project a person may see, reported next to evidence, with history
and the watermelons flagged; in the page and the API, at a constant number of queries."""

from datetime import UTC, datetime, timedelta

import time_machine

from rapport.projects import services as projects
from rapport.status import services
from tests.comms.factories import publish

DAY = datetime(2025, 3, 12, 12, tzinfo=UTC)


def watermelon(world, project=None):
    project = project or world.alpha
    for n in range(3):
        services.risk_create(
            actor=world.owner, project=project, title=f"Risk {n}", probability="high", impact="high"
        )
    publish(
        world, project, overall="green"
    ) if project == world.alpha else services.status_update_create(
        actor=world.owner,
        project=project,
        period_start=DAY.date(),
        period_end=DAY.date(),
        overall="green",
        summary="Fine",
        not_going_well="Nothing",
        publish=True,
    )


def test_the_board_flags_the_watermelon_side_by_side_with_history(world, client_for):
    with time_machine.travel(DAY - timedelta(days=7), tick=False):
        publish(world, overall="amber")
    with time_machine.travel(DAY, tick=False):
        watermelon(world)
    page = client_for(world.owner).get("/o/acme/board/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "1 watermelon</strong> flagged" in body
    assert "Reported green; evidence red: 3 high risks open" in body
    assert body.count('class="cell"') == 2  # one per snapshot of ALPHA, reported over evidence
    assert (
        "reported amber, evidence not measured" in body and "reported green, evidence red" in body
    )

    api = client_for(world.owner).get("/api/v1/orgs/acme/board").json()
    alpha = next(r for r in api["items"] if r["project"] == "ALPHA")
    assert (alpha["reported"], alpha["evidence"], alpha["watermelon"]) == ("green", "red", True)
    assert [h["reported"] for h in alpha["history"]] == ["amber", "green"]


def test_the_board_shows_only_projects_the_person_may_see(world, client_for):
    hidden = projects.project_create(
        actor=world.owner, org=world.acme, code="SECRET", name="Secret merger"
    )
    with time_machine.travel(DAY, tick=False):
        watermelon(world, hidden)
    mona = client_for(world.member).get("/o/acme/board/")
    assert (
        mona.status_code == 200 and b"SECRET" not in mona.content and b"ALPHA" not in mona.content
    )
    olga = client_for(world.owner).get("/o/acme/board/")
    assert b"SECRET" in olga.content and b"ALPHA" in olga.content
    assert client_for(world.outsider).get("/o/acme/board/").status_code == 404


def test_the_board_costs_the_same_queries_for_many_projects(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.owner)
    with time_machine.travel(DAY, tick=False):
        watermelon(world)
    client.get("/o/acme/board/")
    with django_assert_max_num_queries(20) as few:
        client.get("/o/acme/board/")
    with time_machine.travel(DAY, tick=False):
        for n in range(8):
            project = projects.project_create(
                actor=world.owner, org=world.acme, code=f"P{n}", name=f"Project {n}"
            )
            watermelon(world, project)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/o/acme/board/")
    assert b"9 watermelons" in page.content
