"""Input the database cannot store is refused with a 422 naming the field, on every operation.

Found by fuzzing: numbers beyond 64 bits and lone UTF-16 surrogates reached the database and
became 500s, and an explicit null in an optional text field wrote NULL into a NOT NULL column
(now refused with a 422, as the projects API always did).
"""

import json

import pytest

from rapport.accounts import services as accounts
from rapport.stakeholders.models import Party

pytestmark = pytest.mark.django_db

TOO_BIG = 2**63


@pytest.fixture
def call(world, client):
    """call(method, path, body=None, raw=None) as Acme's owner, with a Bearer token."""
    _, token = accounts.api_token_create(actor=world.owner, name="tests")

    def send(method, path, body=None, raw=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if method == "get":
            return client.get(path, **headers)
        data = raw if raw is not None else json.dumps(body)
        return getattr(client, method)(path, data, content_type="application/json", **headers)

    return send


@pytest.fixture
def party(world):
    return Party.objects.create(org=world.acme, name="Sofia Reyes", notes="Sponsor; prefers calls")


def test_a_limit_or_offset_beyond_64_bits_is_a_422_naming_it(call):
    for parameter in ("limit", "offset"):
        response = call("get", f"/api/v1/projects?{parameter}={TOO_BIG}")
        assert response.status_code == 422, response.content
        assert parameter in response.json()["fields"]


def test_an_id_beyond_64_bits_in_the_path_is_a_422_not_a_500(call, world):
    response = call("get", f"/api/v1/projects/{TOO_BIG}")
    assert response.status_code == 422
    assert "project_id" in response.json()["fields"]


def test_an_id_beyond_64_bits_inside_an_id_list_is_a_422_naming_its_place(call, party):
    response = call("patch", f"/api/v1/orgs/acme/parties/{party.pk}", {"category_ids": [TOO_BIG]})
    assert response.status_code == 422, response.content
    assert response.json()["fields"] == {
        "category_ids.0": [f"Must be between {-TOO_BIG} and {TOO_BIG - 1}."]
    }
    party.refresh_from_db()
    assert list(party.categories.all()) == []


def test_a_lone_surrogate_in_text_is_a_422_and_nothing_changes(call, party):
    # json.dumps writes "\ud800" as the escape a fuzzer sends; the server decodes it to a lone
    # surrogate that no database can store as UTF-8.
    response = call("patch", f"/api/v1/orgs/acme/parties/{party.pk}", {"name": "Sofia \ud800"})
    assert response.status_code == 422
    assert "surrogate" in response.json()["fields"]["name"][0]
    party.refresh_from_db()
    assert party.name == "Sofia Reyes"


def test_a_nul_character_in_text_is_a_422_and_nothing_changes(call, party, world):
    # Found by fuzzing the lessons API on PostgreSQL, whose text cannot hold NUL: it was a 500.
    response = call("patch", f"/api/v1/orgs/acme/parties/{party.pk}", {"notes": "a\u0000b"})
    assert response.status_code == 422
    assert "NUL" in response.json()["fields"]["notes"][0]
    party.refresh_from_db()
    assert party.notes == "Sponsor; prefers calls"
    response = call(
        "post",
        f"/api/v1/projects/{world.alpha.pk}/lessons",
        {
            "title": "Estimate\u0000",
            "what_happened": "x",
            "recommendation": "y",
            "category": "estimating",
        },
    )
    assert response.status_code == 422
    assert "title" in response.json()["fields"]


def test_a_proper_astral_character_is_still_welcome(call, party):
    response = call(
        "patch", f"/api/v1/orgs/acme/parties/{party.pk}", {"notes": "Likes 🚀 launches"}
    )
    assert response.status_code == 200
    party.refresh_from_db()
    assert party.notes == "Likes 🚀 launches"


def test_an_explicit_null_in_an_optional_text_field_is_a_422_and_nothing_changes(call, party):
    response = call(
        "patch", f"/api/v1/orgs/acme/parties/{party.pk}", {"notes": None, "title": "CFO"}
    )
    assert response.status_code == 422, response.content
    assert response.json()["fields"] == {"notes": ["May not be null: leave the field out."]}
    party.refresh_from_db()
    assert (party.notes, party.title) == ("Sponsor; prefers calls", "")


def test_an_explicit_null_still_clears_a_value_where_null_means_none(call, world):
    response = call("patch", f"/api/v1/projects/{world.alpha.pk}", {"target_date": "2027-01-31"})
    assert response.status_code == 200
    response = call("patch", f"/api/v1/projects/{world.alpha.pk}", {"target_date": None})
    assert response.status_code == 200
    world.alpha.refresh_from_db()
    assert world.alpha.target_date is None
