"""The load findings are the same on the plan page, in the API (per project and across the
organisation) and in `rapport comms load`: one selector feeds all of them."""

import json
from datetime import date, time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rapport.comms import services
from rapport.projects import services as projects
from tests.comms.factories import party, plan_row

TOO_MUCH = "Probably too much: Bea Business-Lead gets 14.0 communications per week (threshold 5)"
NOT_INFORMED = "Ivy Interested is a high-interest customer but gets no communication from the plan"


@pytest.fixture
def loaded(world):
    """Bea gets a report twice a day; Ivy, a high-interest customer, gets nothing."""
    bea = party(world, "Bea Business-Lead")
    party(world, "Ivy Interested", interest=5)
    plan_row(world, [bea], rrule="FREQ=DAILY", at=time(9))
    plan_row(world, [bea], rrule="FREQ=DAILY", at=time(15))
    return world


def messages(findings) -> list[str]:
    return [f["message"] for f in findings]


def test_the_project_api_has_the_findings_the_plan_page_shows(loaded, client_for):
    world = loaded
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/comms/")
    assert TOO_MUCH.encode() in page.content and NOT_INFORMED.encode() in page.content

    api = client_for(world.viewer).get(f"/api/v1/projects/{world.alpha.pk}/comms/load")
    assert api.status_code == 200
    body = api.json()
    assert messages(body["findings"]) == [TOO_MUCH, NOT_INFORMED]
    assert [f["code"] for f in body["findings"]] == [
        "too-many-communications",
        "customer-not-informed",
    ]
    assert {row["name"]: row["per_week"] for row in body["load"]} == {
        "Bea Business-Lead": 14.0,
        "Ivy Interested": 0.0,
    }


def test_the_org_api_has_a_per_project_view_and_names_the_project_across_the_org(
    loaded, client_for
):
    world = loaded
    client = client_for(world.owner)
    one = client.get("/api/v1/orgs/acme/comms/load", {"project": "alpha"}).json()
    assert messages(one["findings"]) == [TOO_MUCH, NOT_INFORMED]
    whole = client.get("/api/v1/orgs/acme/comms/load").json()
    assert messages(whole["findings"]) == [
        TOO_MUCH,
        NOT_INFORMED.replace("Ivy Interested", "Ivy Interested (ALPHA)"),
    ]
    unknown = client.get("/api/v1/orgs/acme/comms/load", {"project": "NOPE"})
    assert (
        unknown.status_code == 400 and "no project NOPE" in unknown.json()["fields"]["project"][0]
    )
    page = client.get("/o/acme/comms/load/")
    assert b"Ivy Interested (ALPHA) is a high-interest customer" in page.content


def test_a_customer_informed_by_another_project_only_is_still_uninformed_here(world, client_for):
    ivy = party(world, "Ivy Interested", interest=5)
    beta = projects.project_create(actor=world.manager, org=world.acme, code="BETA", name="Beta")
    services.plan_row_create(
        actor=world.manager,
        project=beta,
        audience_parties=[ivy],
        comm_type="simple",
        channel="email",
        rrule="FREQ=WEEKLY;BYDAY=MO",
        start_date=date(2025, 1, 6),
        send_time=time(9),
    )
    body = client_for(world.viewer).get(f"/api/v1/projects/{world.alpha.pk}/comms/load").json()
    assert messages(body["findings"]) == [NOT_INFORMED]


def test_the_cli_prints_the_same_findings(loaded):
    out = StringIO()
    call_command("comms", "load", "--project", "ALPHA", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert messages(data["findings"]) == [TOO_MUCH, NOT_INFORMED]
    text = StringIO()
    call_command("comms", "load", "--project", "acme/ALPHA", stdout=text)
    assert f"WARNING customer-not-informed: {NOT_INFORMED}" in text.getvalue()
    assert "14.0  Bea Business-Lead" in text.getvalue()
    whole = StringIO()
    call_command("comms", "load", "--org", "acme", stdout=whole)
    assert "Ivy Interested (ALPHA) is a high-interest customer" in whole.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [((), "--org SLUG or --project CODE"), (("--org", "nope"), "No organisation nope")],
)
def test_the_cli_says_whose_load_it_needs(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("comms", "load", *args, stdout=StringIO())


def test_the_project_load_costs_the_same_queries_for_many_rows(
    world, client_for, django_assert_max_num_queries
):
    people = [party(world, f"Person {n}", interest=5) for n in range(12)]
    for person in people:
        plan_row(world, [person])
    client = client_for(world.viewer)
    with django_assert_max_num_queries(12):
        response = client.get(f"/api/v1/projects/{world.alpha.pk}/comms/load")
    assert response.status_code == 200 and len(response.json()["load"]) == 12
