"""The pulses API: record a pulse given by phone, list, delete; bad input changes nothing."""

from rapport.satisfaction.models import Pulse


def test_a_contributor_records_lists_and_deletes_a_pulse(world, people, client_for):
    kim, _ = people
    client = client_for(world.contributor)
    url = f"/api/v1/projects/{world.alpha.pk}/pulses"
    created = client.post(
        url,
        {"stakeholder_id": kim.pk, "score": 4, "comment": "Good call"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["about"] == "The project in general"
    assert client.get(url).json()["items"][0]["party_name"] == "Kim Key"
    pulse_id = created.json()["id"]
    assert client.delete(f"{url}/{pulse_id}").status_code == 204
    assert not Pulse.objects.exists()


def test_a_bad_score_names_the_field_and_changes_nothing(world, people, client_for):
    client = client_for(world.contributor)
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/pulses",
        {"stakeholder_id": people[0].pk, "score": 9},
        content_type="application/json",
    )
    assert response.status_code in (400, 422) and "score" in response.content.decode()
    assert not Pulse.objects.exists()


def test_a_stakeholder_of_another_project_is_refused(world, people, client_for):
    from rapport.stakeholders.models import ProjectStakeholder

    foreign = ProjectStakeholder.objects.filter(project=world.omega).first()
    client = client_for(world.contributor)
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/pulses",
        {"stakeholder_id": foreign.pk if foreign else 999999, "score": 3},
        content_type="application/json",
    )
    assert response.status_code in (400, 422) and "stakeholder_id" in response.content.decode()


def test_the_trends_endpoint_gives_key_customer_pulses(world, people, client_for):
    kim, _ = people
    client = client_for(world.contributor)
    for score in (5, 3):
        client.post(
            f"/api/v1/projects/{world.alpha.pk}/pulses",
            {"stakeholder_id": kim.pk, "score": score},
            content_type="application/json",
        )
    body = client.get(f"/api/v1/projects/{world.alpha.pk}/satisfaction").json()
    assert body["key_customer_pulses"] == {"Kim Key": [5, 3]}
    assert body["stakeholders"][0]["direction"] == "falling"
