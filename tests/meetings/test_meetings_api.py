"""The meetings API: meetings with invitees and attendance, invitations, decisions, actions and
the attendance trend, through the same services as the pages."""

from rapport.meetings.models import Meeting


def base(world):
    return f"/api/v1/projects/{world.alpha.pk}"


def test_a_meeting_round_trips_through_the_api(world, people, client_for):
    bea, ian, sam = people
    client = client_for(world.contributor)
    created = client.post(
        base(world) + "/meetings",
        {
            "title": "Weekly status",
            "starts_at": "2026-11-02T09:00:00+01:00",
            "agenda": "1. Progress",
            "invitee_stakeholder_ids": [bea.pk, ian.pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["sequence"] == 0 and body["kind"] == "status"
    by_name = {i["name"]: i for i in body["invitees"]}
    assert by_name["Bea Business"]["is_business"] and not by_name["Ian IT"]["is_business"]
    url = f"{base(world)}/meetings/{body['id']}"
    attendance = client.put(
        url + "/attendance",
        {"attendance": [{"invitee_id": by_name["Bea Business"]["id"], "attendance": "absent"}]},
        content_type="application/json",
    )
    assert attendance.status_code == 200
    assert {i["name"]: i["attendance"] for i in attendance.json()}["Bea Business"] == "absent"
    patched = client.patch(url, {"location": "Room 4"}, content_type="application/json").json()
    assert patched["sequence"] == 1 and patched["ics_uid"] == body["ics_uid"]
    assert (
        client.put(url + "/minutes", {"minutes": "Short."}, content_type="application/json").json()[
            "minutes"
        ]
        == "Short."
    )
    listed = client.get(base(world) + "/meetings").json()
    assert listed["count"] == 1
    trend = client.get(base(world) + "/attendance-trend").json()
    assert (trend["invited"], trend["missed"]) == (1, 1)
    assert trend["people"][0]["marks"] == ["absent"]
    assert client.delete(url).status_code == 204
    assert not Meeting.objects.exists()


def test_bad_input_names_the_field_and_changes_nothing(world, people, client_for):
    client = client_for(world.contributor)
    response = client.post(
        base(world) + "/meetings",
        {"title": "X", "starts_at": "2026-11-02T09:00:00", "invitee_stakeholder_ids": [999999]},
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert "invitee_stakeholder_ids" in response.content.decode()
    assert not Meeting.objects.exists()
    bad = client.put(
        base(world) + "/meetings/1/attendance",
        {"attendance": [{"invitee_id": 1, "attendance": "late"}]},
        content_type="application/json",
    )
    assert bad.status_code in (404, 422)


def test_decisions_and_actions_round_trip(world, people, client_for):
    client = client_for(world.contributor)
    decision = client.post(
        base(world) + "/decisions",
        {
            "text": "Buy",
            "decided_on": "2026-11-02",
            "decided_by_stakeholder_id": people[0].pk,
            "rejected_options": "Build",
        },
        content_type="application/json",
    )
    assert decision.status_code == 201 and decision.json()["decider"] == "Bea Business"
    bad = client.post(
        base(world) + "/decisions",
        {"text": "X", "decided_on": "2026-11-02", "activity_id": 999999},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422) and "activity_id" in bad.content.decode()
    action = client.post(
        base(world) + "/actions",
        {"text": "Call", "owner_stakeholder_id": people[0].pk, "due": "2026-11-09"},
        content_type="application/json",
    ).json()
    done = client.patch(
        f"{base(world)}/actions/{action['id']}", {"status": "done"}, content_type="application/json"
    ).json()
    assert done["status"] == "done" and done["closed_at"]
    assert client.get(base(world) + "/actions", {"status": "open"}).json()["count"] == 0
