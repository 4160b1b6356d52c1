"""The documented import limit (RAPPORT_IMPORT_MAX_BYTES, 10 MB) holds on every import route:
a multipart upload, and a file sent base64-encoded in JSON (4/3 larger), which Django's default
body limit of 2.5 MB used to refuse with a bare 413 above about 1.9 MB of file."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.accounts import services as accounts

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def _not_a_spreadsheet(size: int) -> bytes:
    # Refused for what it is, quickly, once it gets past the size checks.
    return b"\x00\x01" * (size // 2)


@pytest.fixture
def post_json(world, client):
    tokens = {}

    def post(user, path, content: bytes):
        if user not in tokens:
            tokens[user] = accounts.api_token_create(actor=user, name="tests")[1]
        body = {"filename": "big.csv", "content_base64": base64.b64encode(content).decode()}
        return client.post(
            path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {tokens[user]}"
        )

    return post


def _routes(world):
    return [
        (world.owner, "/api/v1/orgs/acme/register-import"),
        (world.manager, f"/api/v1/projects/{world.alpha.pk}/register-import"),
        (world.manager, f"/api/v1/projects/{world.alpha.pk}/raci/import"),
    ]


def test_a_file_just_under_10_mb_gets_through_every_json_import(world, post_json):
    content = _not_a_spreadsheet(int(9.9 * MB))
    for user, path in _routes(world):
        response = post_json(user, path, content)
        assert response.status_code == 400, path  # read and refused for its content ...
        assert "not a spreadsheet" in response.json()["message"], path  # ... not for its size


def test_a_file_just_over_10_mb_is_refused_naming_the_limit(world, post_json):
    content = _not_a_spreadsheet(int(10.02 * MB))
    for user, path in _routes(world):
        response = post_json(user, path, content)
        assert response.status_code == 400, path
        assert "10 MB" in response.json()["message"], path


def test_a_far_larger_body_is_a_413_that_still_names_the_limit(world, post_json):
    response = post_json(
        world.owner, "/api/v1/orgs/acme/register-import", _not_a_spreadsheet(12 * MB)
    )
    assert response.status_code == 413
    assert "files up to 10 MB" in response.json()["message"]


def test_the_web_import_takes_a_file_just_under_10_mb(world, client_for):
    upload = SimpleUploadedFile("big.csv", _not_a_spreadsheet(int(9.9 * MB)), "text/csv")
    response = client_for(world.owner).post("/o/acme/register/import/", {"file": upload})
    assert response.status_code == 200  # the form again, with the reason
    assert "not a spreadsheet" in response.content.decode()
