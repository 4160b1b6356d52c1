"""The interactions API: list (newest first, by stakeholder), create, change, delete."""

from rapport.relations.models import Interaction


def base(world):
    return f"/api/v1/projects/{world.alpha.pk}/interactions"


def test_interactions_round_trip_through_the_api(world, people, client_for):
    kim, pat = people
    client = client_for(world.contributor)
    created = client.post(
        base(world),
        {
            "stakeholder_id": kim.pk,
            "kind": "workshop",
            "date": "2026-11-20",
            "team_member_id": world.contributor.pk,
            "subject": "Requirements workshop",
            "follow_up": "Circulate the notes",
            "follow_up_due": "2026-11-24",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["party_name"] == "Kim Key" and body["team_member_name"] == "Carl Contributor"
    url = f"{base(world)}/{body['id']}"
    changed = client.patch(
        url, {"follow_up_done": True, "stakeholder_id": pat.pk}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert changed.json()["follow_up_done"] is True and changed.json()["party_name"] == (
        "Pat Peripheral"
    )
    listed = client.get(base(world), {"stakeholder_id": pat.pk}).json()
    assert [i["subject"] for i in listed["items"]] == ["Requirements workshop"]
    assert client.get(base(world), {"stakeholder_id": kim.pk}).json()["items"] == []
    assert client.delete(url).status_code == 204
    assert not Interaction.objects.exists()


def test_a_stakeholder_id_from_nowhere_is_refused_and_nothing_is_saved(world, people, client_for):
    answer = client_for(world.contributor).post(
        base(world),
        {"stakeholder_id": 999999, "kind": "call", "date": "2026-11-20", "subject": "Hello"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["fields"] == {"stakeholder_id": ["No such stakeholder on this project."]}
    assert not Interaction.objects.exists()


def test_an_unknown_kind_is_refused_naming_the_field(world, people, client_for):
    answer = client_for(world.contributor).post(
        base(world),
        {"stakeholder_id": people[0].pk, "kind": "fax", "date": "2026-11-20", "subject": "Hi"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "kind" in answer.json()["fields"]
