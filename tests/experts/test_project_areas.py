"""A project's areas of expertise: which have no expert consulted, and the Consulted suggestion."""

import pytest
from django.core.exceptions import ValidationError

from rapport.experts import selectors, services
from rapport.raci import services as raci
from rapport.raci.models import Assignment
from rapport.stakeholders.models import ProjectStakeholder


def missing(project):
    return [a.area.name for a in selectors.project_areas(project).areas if a.without_expert]


def test_every_area_without_an_expert_consulted_is_shown(world, team):
    assert missing(world.alpha) == ["Security", "SQL"]


def test_an_expert_consulted_on_an_activity_of_the_area_covers_it(world, team):
    raci.raci_assign(
        actor=world.manager, activity=team["migration"], party=team["dora"].party, letter="C"
    )
    assert missing(world.alpha) == ["Security"]


def test_someone_consulted_who_is_no_expert_of_the_area_does_not_count(world, team):
    # Dora knows SQL, not security
    raci.raci_assign(
        actor=world.manager, activity=team["pentest"], party=team["dora"].party, letter="C"
    )
    assert "Security" in missing(world.alpha)


def test_it_suggests_the_available_experts_of_the_area_not_the_unavailable(world, team):
    found = selectors.project_areas(world.alpha).suggestions
    pairs = [(s["activity"].name, s["expert"].party.name) for s in found]
    assert ("Data migration", "Dora DBA") in pairs
    assert ("Pen test", "Sid Secure") in pairs
    assert all(name != "Una Away" for _, name in pairs)


def test_the_suggestion_button_adds_the_expert_as_consulted_in_the_raci(world, team, client_for):
    client = client_for(world.contributor)
    response = client.post(
        "/o/acme/p/ALPHA/relationship/experts/consult/",
        {"activity": team["migration"].pk, "expert": team["dora"].pk},
    )
    assert response.status_code == 302
    cell = Assignment.objects.get(activity=team["migration"], party=team["dora"].party)
    assert cell.letter == "C"
    assert missing(world.alpha) == ["Security"]


def test_a_contributor_cannot_add_an_expert_who_is_not_a_stakeholder(world, team, client_for):
    client = client_for(world.contributor)
    response = client.post(
        "/o/acme/p/ALPHA/relationship/experts/consult/",
        {"activity": team["pentest"].pk, "expert": team["sid"].pk},
        follow=True,
    )
    assert "ask a manager of the project to add them" in response.content.decode()
    assert not Assignment.objects.filter(party=team["sid"].party).exists()


def test_a_manager_adds_the_expert_to_the_project_and_as_consulted(world, team):
    services.expert_consult(
        actor=world.manager, activity=team["pentest"], expert=team["sid"], can_add_stakeholder=True
    )
    assert ProjectStakeholder.objects.filter(project=world.alpha, party=team["sid"].party).exists()
    assert Assignment.objects.get(activity=team["pentest"], party=team["sid"].party).letter == "C"


def test_an_expert_holding_another_letter_keeps_it(world, team):
    raci.raci_assign(
        actor=world.manager, activity=team["migration"], party=team["dora"].party, letter="R"
    )
    with pytest.raises(ValidationError, match="already Responsible"):
        services.expert_consult(
            actor=world.manager,
            activity=team["migration"],
            expert=team["dora"],
            can_add_stakeholder=True,
        )
    assert (
        Assignment.objects.get(activity=team["migration"], party=team["dora"].party).letter == "R"
    )


def test_the_project_page_lists_the_areas_and_the_suggestion(world, team, client_for):
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/relationship/experts/").content.decode()
    assert "Areas with no expert consulted" in page
    assert "add Dora DBA as Consulted" in page  # a viewer sees it, without the button


def test_the_activity_areas_are_edited_from_the_project_page(world, team, catalogue, client_for):
    sql, security = catalogue
    client = client_for(world.contributor)
    url = f"/o/acme/p/ALPHA/relationship/experts/activities/{team['pentest'].pk}/areas/"
    assert client.post(url, {"areas": [sql.pk, security.pk]}).status_code == 302
    assert sorted(link.area.name for link in team["pentest"].area_links.all()) == [
        "SQL",
        "Security",
    ]


def test_the_api_lists_the_areas_without_an_expert_and_consults_one(world, team, client_for):
    client = client_for(world.contributor)
    body = client.get(f"/api/v1/projects/{world.alpha.pk}/expert-areas").json()
    assert body["areas_without_expert"] == ["Security", "SQL"]
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/expert-consultations",
        {"activity_id": team["migration"].pk, "expert_id": team["dora"].pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = client.get(f"/api/v1/projects/{world.alpha.pk}/expert-areas").json()
    assert body["areas_without_expert"] == ["Security"]
