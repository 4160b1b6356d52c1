"""The directory's search: who knows about X, by area name or by what their notes say."""

from rapport.experts import selectors, services


def names(experts):
    return [e.party.name for e in experts]


def test_it_finds_experts_by_area_name_available_ones_first(world, team):
    assert names(selectors.expert_search(world.acme, "sq")) == ["Dora DBA", "Una Away"]


def test_it_finds_experts_by_their_notes(world, team):
    assert names(selectors.expert_search(world.acme, "firewall")) == ["Sid Secure"]


def test_an_expert_with_two_matching_areas_is_listed_once(world, team, catalogue):
    services.expert_update(actor=world.manager, expert=team["dora"], new_areas=["SQL Server"])
    assert names(selectors.expert_search(world.acme, "sql")) == ["Dora DBA", "Una Away"]


def test_nobody_from_another_organisation_is_found(world, team):
    assert names(selectors.expert_search(world.globex, "sql")) == []


def test_the_directory_page_answers_who_knows_about_x(world, team, client_for):
    page = client_for(world.member).get("/o/acme/experts/", {"q": "security"}).content.decode()
    assert "Who knows about “security”" in page and "Sid Secure" in page
    assert "Dora DBA" not in page


def test_the_directory_page_says_what_to_do_when_nobody_knows(world, team, client_for):
    page = client_for(world.member).get("/o/acme/experts/", {"q": "COBOL"}).content.decode()
    assert "Nobody in the directory knows about “COBOL” yet" in page


def test_the_projects_they_helped_come_from_the_raci_and_the_explicit_list(world, team):
    from rapport.raci import services as raci

    raci.raci_assign(
        actor=world.manager, activity=team["migration"], party=team["dora"].party, letter="C"
    )
    [dora] = selectors.with_helped_projects([team["dora"]])
    assert [(p["code"], p["from_raci"]) for p in dora.helped] == [("ALPHA", True)]


def test_the_api_search_returns_a_page_with_the_count(world, team, client_for):
    body = client_for(world.viewer).get("/api/v1/orgs/acme/experts", {"q": "sql"}).json()
    assert body["count"] == 2
    assert [e["name"] for e in body["items"]] == ["Dora DBA", "Una Away"]
    assert body["items"][0]["areas"][0]["name"] == "SQL"


def test_the_org_home_links_the_directory(world, client_for):
    assert b"/o/acme/experts/" in client_for(world.member).get("/o/acme/").content
