"""A "C" means input before sign-off: each Consulted party's input is recorded (date, note), and an
activity signed off without it is a finding, shown on the activity, RACI and API pages."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rapport.raci import selectors, services
from rapport.raci.models import ConsultedInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def consulted(world, small):
    """Build the portal: Ann Accountable, Bob Responsible, Finance and Carla Consulted."""
    a, p = small["activities"], small["parties"]
    services.raci_assign_many(
        actor=world.manager,
        project=world.alpha,
        cells=[
            (a["build"], p["ann"], "A"),
            (a["build"], p["bob"], "R"),
            (a["build"], p["finance"], "C"),
            (a["build"], p["carla"], "C"),
        ],
    )
    return small


def sign_off(world, activity):
    services.activity_update(actor=world.manager, activity=activity, status="done")


def codes(world):
    return [
        (f.code, f.party_name)
        for f in selectors.raci_findings(selectors.matrix_get(world.alpha))
        if f.code == "signed-off-without-input"
    ]


def record(world, small, party, **kwargs):
    return services.consulted_input_record(
        actor=world.contributor,
        activity=small["activities"]["build"],
        party=small["parties"][party],
        **{"given_on": date(2026, 1, 5), "note": "", **kwargs},
    )


def test_an_activity_signed_off_without_its_consulted_input_is_a_finding(world, consulted):
    assert codes(world) == []  # not signed off yet: nothing to say
    record(world, consulted, "finance", note="Budget is fine")
    sign_off(world, consulted["activities"]["build"])
    assert codes(world) == [("signed-off-without-input", "Carla Díaz")]
    record(world, consulted, "carla", note="Wants training first")
    assert codes(world) == []


def test_recording_again_replaces_the_date_and_note(world, consulted):
    record(world, consulted, "finance", note="First thoughts")
    record(world, consulted, "finance", given_on=date(2026, 1, 9), note="Agreed in the meeting")
    found = ConsultedInput.objects.get()
    assert (found.given_on, found.note, found.recorded_by) == (
        date(2026, 1, 9),
        "Agreed in the meeting",
        world.contributor,
    )


def test_only_a_consulted_party_gives_input_and_never_in_the_future(world, consulted):
    with pytest.raises(ValidationError, match="Bob Ng is not Consulted"):
        record(world, consulted, "bob")
    with pytest.raises(ValidationError, match="cannot be given in the future"):
        record(world, consulted, "finance", given_on=timezone.localdate() + timedelta(days=1))
    assert not ConsultedInput.objects.exists()


def test_the_activity_pages_show_who_gave_input_and_the_sign_off_without_it(
    world, consulted, client_for
):
    record(world, consulted, "finance", note="Budget is fine")
    sign_off(world, consulted["activities"]["build"])
    build = consulted["activities"]["build"]
    viewer = client_for(world.viewer)
    listing = viewer.get("/o/acme/p/ALPHA/activities/").content.decode()
    assert "1 of 2 gave input" in listing
    assert "Signed off without input from Carla Díaz" in listing
    page = viewer.get(f"/o/acme/p/ALPHA/activities/{build.pk}/consulted/").content.decode()
    assert "Signed off without input</strong> from Carla Díaz" in page
    assert "Given 5 Jan 2026</span>: Budget is fine" in page
    findings = viewer.get("/o/acme/p/ALPHA/raci/findings/").content.decode()
    assert "signed-off-without-input" in findings
    assert f"/activities/{build.pk}/consulted/#party-" in findings


def test_a_contributor_records_input_on_the_page(world, consulted, client_for):
    build = consulted["activities"]["build"]
    carla = consulted["parties"]["carla"]
    client = client_for(world.contributor)
    url = f"/o/acme/p/ALPHA/activities/{build.pk}/consulted/input/"
    response = client.post(url, {"party": carla.pk, "given_on": "2026-01-07", "note": "OK"})
    assert response.status_code == 302 and response["Location"].endswith(f"#party-{carla.pk}")
    assert ConsultedInput.objects.get(party=carla).note == "OK"
    client.post(url, {"party": carla.pk, "remove": "1"})
    assert not ConsultedInput.objects.exists()
    assert client_for(world.viewer).post(url, {"party": carla.pk}).status_code == 403


def test_the_api_lists_records_and_reports_the_finding(world, consulted, client_for):
    build = consulted["activities"]["build"]
    carla = consulted["parties"]["carla"]
    sign_off(world, build)
    client = client_for(world.contributor)
    base = f"/api/v1/projects/{world.alpha.pk}"
    findings = client.get(f"{base}/raci/findings").json()
    items = findings["items"] if isinstance(findings, dict) else findings
    found = [f for f in items if f["code"] == "signed-off-without-input"]
    assert {f["party"] for f in found} == {"Carla Díaz", "Finance"}
    assert found[0]["link"] == f"/o/acme/p/ALPHA/activities/{build.pk}/consulted/"
    r = client.put(
        f"{base}/activities/{build.pk}/consulted/{carla.pk}",
        data={"given_on": "2026-01-07", "note": "Wants training first"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert {row["name"]: row["given_on"] for row in r.json()} == {
        "Carla Díaz": "2026-01-07",
        "Finance": None,
    }
    bob = consulted["parties"]["bob"]
    r = client.put(
        f"{base}/activities/{build.pk}/consulted/{bob.pk}",
        data={"given_on": "2026-01-07"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "not Consulted" in r.json()["message"]
