"""A contributor records a pulse a stakeholder gave by phone; viewers cannot."""

from rapport.satisfaction.models import Pulse

URL = "/o/acme/p/ALPHA/relationship/satisfaction/new/"


def test_a_contributor_records_a_pulse_given_by_phone(world, people, client_for, call_with_kim):
    client = client_for(world.contributor)
    form = client.get(URL)
    assert form.status_code == 200 and b"Training plan" in form.content
    response = client.post(
        URL,
        {
            "stakeholder": people[0].pk,
            "score": "3",
            "comment": "OK but slow",
            "given_on": "2026-11-02",
            "about": f"interaction-{call_with_kim.pk}",
        },
    )
    assert response.status_code == 302
    pulse = Pulse.objects.get()
    assert (pulse.source, pulse.recorded_by, pulse.interaction) == (
        "recorded",
        world.contributor,
        call_with_kim,
    )


def test_a_missing_score_names_the_field_and_saves_nothing(world, people, client_for):
    response = client_for(world.contributor).post(
        URL, {"stakeholder": people[0].pk, "given_on": "2026-11-02"}
    )
    assert response.status_code == 200 and b'id="id_score_error"' in response.content
    assert not Pulse.objects.exists()


def test_a_pulse_is_deleted_by_a_contributor(world, people, client_for):
    from rapport.satisfaction import services

    pulse = services.pulse_record(
        actor=world.manager, project=world.alpha, stakeholder=people[0], score=2
    )
    client_for(world.contributor).post(
        f"/o/acme/p/ALPHA/relationship/satisfaction/{pulse.pk}/delete/"
    )
    assert not Pulse.objects.exists()


def test_a_viewer_cannot_record_a_pulse(world, client_for):
    assert client_for(world.viewer).get(URL).status_code == 403
