"""A stakeholder's communication preferences: set on their page or through the API, kept on the
party (they count across every project), with clear errors for bad input."""

import pytest

from rapport.stakeholders.models import Party
from tests.stakeholders.factories import register_sample


@pytest.fixture
def ids(world):
    return register_sample(world)


def url(world, ids):
    return f"/api/v1/projects/{world.alpha.pk}/stakeholders/{ids['stakeholder_id']}/preferences"


def test_preferences_round_trip_through_the_api(world, ids, client_for):
    client = client_for(world.contributor)
    assert client.get(url(world, ids)).json() == {
        "party_id": ids["party_id"],
        "preferred_channel": "",
        "max_per_week": None,
        "quiet_days": [],
    }
    sent = {"preferred_channel": "phone", "max_per_week": 3, "quiet_days": ["sun", "sat"]}
    answer = client.put(url(world, ids), sent, content_type="application/json")
    assert answer.status_code == 200
    expected = {**sent, "party_id": ids["party_id"], "quiet_days": ["sat", "sun"]}
    assert answer.json() == expected
    assert client_for(world.viewer).get(url(world, ids)).json() == expected
    party = Party.objects.get(pk=ids["party_id"])
    assert (party.max_per_week, party.quiet_days) == (3, "sat,sun")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quiet_days": ["someday"]}, "quiet_days.0"),
        ({"max_per_week": 0}, "max_per_week"),
        ({"preferred_channel": "pigeon"}, "preferred_channel"),
    ],
)
def test_bad_preferences_are_refused_naming_the_field_and_nothing_changes(
    world, ids, client_for, body, field
):
    answer = client_for(world.contributor).put(
        url(world, ids), body, content_type="application/json"
    )
    assert answer.status_code == 422
    assert field in answer.json()["fields"]
    party = Party.objects.get(pk=ids["party_id"])
    assert (party.preferred_channel, party.max_per_week, party.quiet_days) == ("", None, "")


def test_a_contributor_sets_preferences_on_the_stakeholder_page(world, ids, client_for):
    client = client_for(world.contributor)
    page = f"/o/acme/p/ALPHA/customers/{ids['stakeholder_id']}/"
    form = client.get(page + "preferences/")
    assert b"Quiet days" in form.content
    saved = client.post(
        page + "preferences/",
        {"preferred_channel": "email", "max_per_week": "3", "quiet_days": ["fri"]},
    )
    assert saved.status_code == 302
    shown = client.get(page).content.decode()
    assert "E-mail" in shown and "Friday" in shown and "<dd>3</dd>" in shown


def test_the_page_names_a_bad_maximum_and_keeps_what_was_there(world, ids, client_for):
    page = f"/o/acme/p/ALPHA/customers/{ids['stakeholder_id']}/preferences/"
    answer = client_for(world.contributor).post(page, {"max_per_week": "99"})
    assert answer.status_code == 200
    assert "Ensure this value is less than or equal to 50." in answer.content.decode()
    assert Party.objects.get(pk=ids["party_id"]).max_per_week is None
