"""Setting and clearing cells: through the service, and through the page's cell endpoint."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from rapport.raci import services
from rapport.raci.models import Assignment
from rapport.stakeholders import services as stakeholders

pytestmark = pytest.mark.django_db

CELL = "/o/acme/p/ALPHA/raci/cell/"


def letters(project):
    return {
        (a.activity.name, a.party.name): a.letter
        for a in Assignment.objects.filter(activity__project=project).select_related(
            "activity", "party"
        )
    }


def test_a_letter_is_set_changed_and_cleared_in_one_cell(world, small):
    build, ann = small["activities"]["build"], small["parties"]["ann"]

    services.raci_assign(actor=world.manager, activity=build, party=ann, letter="r")
    assert letters(world.alpha) == {("Build the portal", "Ann Lee"): "R"}
    services.raci_assign(actor=world.manager, activity=build, party=ann, letter="A")
    assert letters(world.alpha) == {("Build the portal", "Ann Lee"): "A"}
    services.raci_assign(actor=world.manager, activity=build, party=ann, letter="")
    assert letters(world.alpha) == {}


def test_every_change_of_a_cell_is_in_the_project_history_with_its_actor(world, small):
    build, ann = small["activities"]["build"], small["parties"]["ann"]
    services.raci_assign(actor=world.contributor, activity=build, party=ann, letter="R")
    services.raci_assign(actor=world.contributor, activity=build, party=ann, letter="A")
    services.raci_assign(actor=world.contributor, activity=build, party=ann, letter=None)

    entries = list(
        LogEntry.objects.filter(
            additional_data__project_id=world.alpha.pk, object_repr__contains="Build the portal"
        )
        .filter(content_type__model="assignment")
        .order_by("pk")
    )
    assert [e.action for e in entries] == [0, 1, 2]
    assert all(e.actor == world.contributor for e in entries)
    assert entries[1].changes_dict["letter"] == ["R", "A"]


@pytest.mark.parametrize("bad", ["X", "RA", "1", "Responsible"])
def test_it_refuses_a_letter_that_is_not_r_a_c_or_i(world, small, bad):
    with pytest.raises(ValidationError, match="not one of R, A, C, I"):
        services.raci_assign(
            actor=world.manager,
            activity=small["activities"]["build"],
            party=small["parties"]["ann"],
            letter=bad,
        )
    assert not Assignment.objects.exists()


def test_it_refuses_a_party_that_is_not_on_the_project(world, small):
    stranger = stakeholders.party_create(actor=world.owner, org=world.acme, name="Stan Stranger")
    with pytest.raises(ValidationError, match="not one of ALPHA's stakeholders"):
        services.raci_assign(
            actor=world.manager, activity=small["activities"]["build"], party=stranger, letter="I"
        )
    assert not Assignment.objects.exists()


def test_it_refuses_a_party_of_another_organisation(world, small):
    spy = stakeholders.party_create(actor=world.outsider, org=world.globex, name="Globex spy")
    with pytest.raises(ValidationError, match="another organisation"):
        services.raci_assign(
            actor=world.manager, activity=small["activities"]["build"], party=spy, letter="I"
        )


def test_a_party_that_left_the_project_keeps_its_letters_which_can_still_be_cleared(world, small):
    build, bob = small["activities"]["build"], small["parties"]["bob"]
    services.raci_assign(actor=world.manager, activity=build, party=bob, letter="R")
    stakeholders.stakeholder_remove(
        actor=world.manager, stakeholder=world.alpha.stakeholders.get(party=bob)
    )

    services.raci_assign(actor=world.manager, activity=build, party=bob, letter="C")
    assert letters(world.alpha) == {("Build the portal", "Bob Ng"): "C"}
    services.raci_assign(actor=world.manager, activity=build, party=bob, letter=None)
    assert letters(world.alpha) == {}


def test_many_cells_are_set_all_or_nothing(world, small):
    a, p = small["activities"], small["parties"]
    with pytest.raises(ValidationError):
        services.raci_assign_many(
            actor=world.manager,
            project=world.alpha,
            cells=[(a["build"], p["ann"], "A"), (a["build"], p["bob"], "Q")],
        )
    assert not Assignment.objects.exists()

    counts = services.raci_assign_many(
        actor=world.manager,
        project=world.alpha,
        cells=[
            (a["build"], p["ann"], "A"),
            (a["build"], p["bob"], "R"),
            (a["train"], p["ann"], None),
        ],
    )
    assert counts == {"set": 2, "cleared": 1}


def test_the_cell_endpoint_saves_and_answers_with_the_findings_panel(world, small, client_for):
    client = client_for(world.contributor)
    build, ann = small["activities"]["build"], small["parties"]["ann"]

    response = client.post(
        CELL,
        {"activity": build.pk, "party": ann.pk, "letter": "a", "filters": "phase=999&who=all"},
        HTTP_X_REQUESTED_WITH="fetch",
    )

    assert response.status_code == 200
    assert response["X-Raci-Letter"] == "A"
    body = response.content.decode()
    assert 'id="findings-title"' in body
    assert "Nobody is Responsible for doing &#x27;Build the portal&#x27;" in body
    assert "Nobody is Accountable for &#x27;Build the portal&#x27;" not in body
    assert letters(world.alpha) == {("Build the portal", "Ann Lee"): "A"}


def test_the_cell_endpoint_answers_400_in_plain_text_for_a_bad_letter_and_changes_nothing(
    world, small, client_for
):
    client = client_for(world.contributor)
    response = client.post(
        CELL,
        {
            "activity": small["activities"]["build"].pk,
            "party": small["parties"]["ann"].pk,
            "letter": "Z",
        },
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "not one of R, A, C, I" in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("field", ["activity", "party"])
def test_the_cell_endpoint_refuses_ids_from_elsewhere(world, small, client_for, field):
    from rapport.projects import services as projects

    other = projects.project_create(actor=world.owner, org=world.acme, code="BETA", name="Beta")
    foreign_activity = services.activity_create(actor=world.owner, project=other, name="Elsewhere")
    spy = stakeholders.party_create(actor=world.outsider, org=world.globex, name="Spy")
    data = {
        "activity": small["activities"]["build"].pk,
        "party": small["parties"]["ann"].pk,
        "letter": "R",
    }
    data[field] = foreign_activity.pk if field == "activity" else spy.pk

    response = client_for(world.manager).post(CELL, data, HTTP_X_REQUESTED_WITH="fetch")

    assert response.status_code == 400
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "data", [{}, {"activity": "x", "party": "y"}, {"activity": "1e9", "party": "-1"}]
)
def test_the_cell_endpoint_answers_malformed_posts_with_400(world, small, client_for, data):
    response = client_for(world.manager).post(CELL, data, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400


def test_viewers_cannot_change_cells(world, small, client_for):
    response = client_for(world.viewer).post(
        CELL,
        {
            "activity": small["activities"]["build"].pk,
            "party": small["parties"]["ann"].pk,
            "letter": "R",
        },
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_without_a_script_the_cell_endpoint_sends_the_browser_back_to_the_row(
    world, small, client_for
):
    build = small["activities"]["build"]
    response = client_for(world.manager).post(
        CELL, {"activity": build.pk, "party": small["parties"]["ann"].pk, "letter": "R"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/raci/?at={build.pk}#a{build.pk}")


def test_the_letters_form_sets_a_whole_row_without_a_script(world, small, client_for):
    build, p = small["activities"]["build"], small["parties"]
    url = f"/o/acme/p/ALPHA/activities/{build.pk}/letters/"
    client = client_for(world.contributor)
    assert "Carla Díaz" in client.get(url).content.decode()

    response = client.post(url, {f"party-{p['ann'].id}": "A", f"party-{p['bob'].id}": "r"})

    assert response.status_code == 302
    assert letters(world.alpha) == {
        ("Build the portal", "Ann Lee"): "A",
        ("Build the portal", "Bob Ng"): "R",
    }
    client.post(url, {f"party-{p['ann'].id}": "A", f"party-{p['bob'].id}": ""})
    assert letters(world.alpha) == {("Build the portal", "Ann Lee"): "A"}
