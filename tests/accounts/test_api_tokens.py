"""Personal API tokens: created on the account page, shown once, stored as a hash, revocable."""

import hashlib
import re

import pytest
from auditlog.models import LogEntry

from rapport.accounts import services
from rapport.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def create_token(client, name="nightly export"):
    """Create a token on the account page; return the raw token shown on the page after."""
    response = client.post("/account/", {"name": name}, follow=True)
    match = re.search(
        r'id="new-token" class="token" readonly value="([^"]+)"', response.content.decode()
    )
    assert match, "the new token is shown on the account page"
    return match.group(1)


def me(client, token):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_new_token_is_shown_once(world, client_for):
    client = client_for(world.manager)

    raw = create_token(client)

    assert raw.startswith("rpt_") and len(raw) > 40
    later = client.get("/account/").content.decode()
    assert raw not in later
    assert "nightly export" in later and raw[:10] in later  # named, and recognisable by its start


def test_only_a_sha256_hash_of_the_token_is_stored(world, client_for):
    raw = create_token(client_for(world.manager))

    row = ApiToken.objects.filter(user=world.manager).values().get()
    assert row["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert all(raw not in str(value) for value in row.values())
    # Nor does the audit history keep it.
    assert all(raw not in str(entry.changes) for entry in LogEntry.objects.all())


def test_the_token_works_as_a_bearer_token_on_the_api(world, client_for, client):
    raw = create_token(client_for(world.manager))
    client.post("/accounts/logout/")

    response = me(client, raw)

    assert response.status_code == 200
    assert response.json() == {
        "id": world.manager.pk,
        "email": "max.manager@acme.example",
        "full_name": "Max Manager",
    }
    assert ApiToken.objects.get(user=world.manager).last_used_at is not None


def test_the_token_acts_with_its_owners_roles_only(world, client):
    _, raw = services.api_token_create(actor=world.viewer, name="reader")

    visible = client.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    patch = client.patch(
        f"/api/v1/projects/{world.alpha.pk}",
        {"name": "Hijacked"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )

    assert [p["code"] for p in visible["items"]] == ["ALPHA"]
    assert patch.status_code == 403


def test_a_revoked_token_gets_401(world, client_for, client):
    owner_page = client_for(world.manager)
    raw = create_token(owner_page)
    token = ApiToken.objects.get(user=world.manager)

    response = owner_page.post(f"/account/tokens/{token.pk}/revoke/", follow=True)

    assert "Token “nightly export” revoked" in response.content.decode()
    assert "revoked" in owner_page.get("/account/").content.decode()
    owner_page.post("/accounts/logout/")
    answer = me(client, raw)
    assert answer.status_code == 401
    assert answer.json()["message"].startswith("Authentication required")


def test_someone_elses_token_cannot_be_revoked(world, client_for, client):
    _, raw = services.api_token_create(actor=world.viewer, name="vera's script")
    token = ApiToken.objects.get(user=world.viewer)

    response = client_for(world.manager).post(f"/account/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.post("/accounts/logout/")
    assert me(client, raw).status_code == 200


def test_revoking_is_a_post(world, client_for):
    token, _ = services.api_token_create(actor=world.manager, name="script")

    response = client_for(world.manager).get(f"/account/tokens/{token.pk}/revoke/")

    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_needs_a_name(world, client_for):
    response = client_for(world.manager).post("/account/", {"name": "   "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.filter(user=world.manager).exists()


def test_a_deactivated_persons_token_stops_working(world, client):
    _, raw = services.api_token_create(actor=world.manager, name="script")
    world.manager.is_active = False
    world.manager.save()

    assert me(client, raw).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer ", "Bearer rpt_", "Bearer rpt_" + "x" * 5000, "Basic dXNlcjpwYXNz", "rpt_no_scheme"],
)
def test_a_malformed_authorization_header_gets_401(world, client, header):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
