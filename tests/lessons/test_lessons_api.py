"""The lessons API: capture, change, delete; contributors and follow-ups; apply (201, then 200
on repeat); bad input names the field and changes nothing."""

from rapport.lessons.models import Lesson, LessonApplication
from rapport.raci import services as raci


def base(world):
    return f"/api/v1/projects/{world.alpha.pk}"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_lesson_round_trips_through_the_api(world, client_for):
    phase = raci.phase_create(actor=world.manager, project=world.alpha, name="Design")
    client = client_for(world.contributor)
    created = post(
        client,
        base(world) + "/lessons",
        {
            "title": "Book rooms early",
            "what_happened": "No room",
            "recommendation": "Book a month ahead",
            "category": "process",
            "tags": "Logistics, rooms",
            "phase_ids": [phase.pk],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tags"] == ["logistics", "rooms"] and body["phase_ids"] == [phase.pk]
    assert body["reuse_count"] == 0 and body["captured_by_name"] == "Carl Contributor"
    url = f"{base(world)}/lessons/{body['id']}"
    assert (
        client.patch(url, {"impact": "high"}, content_type="application/json").json()["impact"]
        == "high"
    )
    contributor = post(
        client, url + "/contributors", {"side": "business", "user_id": world.viewer.pk}
    )
    assert contributor.status_code == 201 and contributor.json()["name"] == "Vera Viewer"
    follow_up = post(
        client, url + "/follow-ups", {"action": "Tell the PMO", "owner_user_id": world.owner.pk}
    )
    assert follow_up.status_code == 201 and follow_up.json()["owner_name"] == "Olga Owner"
    done = client.patch(
        f"{url}/follow-ups/{follow_up.json()['id']}",
        {"status": "done"},
        content_type="application/json",
    )
    assert done.json()["status"] == "done"
    listed = client.get(base(world) + "/lessons").json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "Book rooms early"
    assert client.delete(url).status_code == 204
    assert not Lesson.objects.exists()


def test_bad_input_names_the_field_and_saves_nothing(world, client_for):
    client = client_for(world.contributor)
    missing = post(client, base(world) + "/lessons", {"title": "x", "category": "process"})
    assert missing.status_code == 422 and "what_happened" in missing.json()["fields"]
    foreign = post(
        client,
        base(world) + "/lessons",
        {
            "title": "x",
            "what_happened": "y",
            "recommendation": "z",
            "category": "process",
            "activity_ids": [999999],
        },
    )
    assert foreign.status_code == 400
    assert foreign.json()["fields"] == {"activity_ids": ["No such activity on this project."]}
    hostile = post(
        client,
        base(world) + "/lessons",
        {
            "title": "a\nBcc: x@y",
            "what_happened": "y",
            "recommendation": "z",
            "category": "process",
        },
    )
    assert hostile.status_code in (400, 422) and "title" in hostile.json()["fields"]
    oversized = post(
        client,
        base(world) + "/lessons",
        {"title": "t" * 201, "what_happened": "y", "recommendation": "z", "category": "process"},
    )
    assert oversized.status_code == 422 and "title" in oversized.json()["fields"]
    assert not Lesson.objects.exists()


def test_applying_through_the_api_is_201_then_200(world, earlier, client_for):
    client = client_for(world.contributor)
    url = base(world) + "/applied-lessons"
    lesson_id = earlier.estimate_lesson.pk
    first = post(client, url, {"lesson_id": lesson_id, "note": "In the kick-off"})
    assert first.status_code == 201 and first.json()["created"] is True
    again = post(client, url, {"lesson_id": lesson_id})
    assert again.status_code == 200 and "already applied" in again.json()["message"]
    assert client.get(url).json()["items"][0]["from_project_code"] == earlier.code
    unknown = post(client, url, {"lesson_id": 999999})
    assert unknown.status_code == 400 and "lesson_id" in unknown.json()["fields"]
    assert LessonApplication.objects.count() == 1
    assert client.delete(f"{url}/{lesson_id}").status_code == 204
    assert not LessonApplication.objects.exists()
