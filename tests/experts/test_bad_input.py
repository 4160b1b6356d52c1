"""Bad input to the experts pages and API: a clear error naming the field, nothing changed."""

from auditlog.models import LogEntry

from rapport.experts.models import Expert


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_an_expert_needs_at_least_one_area(world, team, client_for):
    from rapport.stakeholders import services as stakeholders

    eve = stakeholders.party_create(actor=world.owner, org=world.acme, name="Eve")
    before = LogEntry.objects.count()
    response = post(
        client_for(world.member), "/api/v1/orgs/acme/experts", {"party_id": eve.pk, "area_ids": []}
    )
    assert response.status_code == 400 and "areas" in response.content.decode()
    assert LogEntry.objects.count() == before


def test_a_party_of_another_organisation_is_refused(world, team, client_for):
    from rapport.stakeholders import services as stakeholders

    spy = stakeholders.party_create(actor=world.outsider, org=world.globex, name="Spy")
    response = post(
        client_for(world.member),
        "/api/v1/orgs/acme/experts",
        {"party_id": spy.pk, "area_ids": [team["dora"].areas.first().pk]},
    )
    assert response.status_code == 400 and "party_id" in response.content.decode()
    assert not Expert.objects.filter(party=spy).exists()


def test_an_area_of_another_organisation_is_refused(world, team, client_for):
    from rapport.experts import services

    theirs = services.expertise_create(actor=world.outsider, org=world.globex, name="Secrets")
    response = client_for(world.member).patch(
        f"/api/v1/orgs/acme/experts/{team['dora'].pk}",
        {"area_ids": [theirs.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "area_ids" in response.content.decode()
    assert [a.name for a in team["dora"].areas.all()] == ["SQL"]


def test_an_unknown_availability_and_oversized_search_are_refused(world, team, client_for):
    client = client_for(world.member)
    response = client.patch(
        f"/api/v1/orgs/acme/experts/{team['dora'].pk}",
        {"availability": "on the moon"},
        content_type="application/json",
    )
    assert response.status_code in (400, 422) and "availability" in response.content.decode()
    response = client.get("/api/v1/orgs/acme/experts", {"q": "x" * 500})
    assert response.status_code == 400 and "q" in response.json()["fields"]


def test_a_party_already_in_the_directory_is_refused_on_the_page(world, team, client_for):
    response = client_for(world.member).post(
        "/o/acme/experts/new/",
        {"party": team["dora"].party_id, "new_areas": "Hosting", "availability": "available"},
    )
    assert response.status_code == 200
    assert Expert.objects.filter(party=team["dora"].party).count() == 1


def test_a_control_character_in_an_area_name_is_refused(world, client_for):
    response = post(client_for(world.member), "/api/v1/orgs/acme/expertise", {"name": "SQL\nBcc"})
    assert response.status_code == 400 and "name" in response.content.decode()
