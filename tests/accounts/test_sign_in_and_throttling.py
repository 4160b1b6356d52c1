"""Signing in by e-mail through the real sign-in page, and django-axes pausing password guessing."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG_PASSWORD_MESSAGE = "That e-mail address and password do not match"


def sign_in(client, email, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_a_member_signs_in_with_their_email_and_lands_on_their_projects(world, client):
    response = sign_in(client, world.manager.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/projects/"
    assert signed_in_user_id(client) == str(world.manager.pk)
    assert b"Alpha rollout" in client.get("/projects/").content


def test_the_email_address_is_not_case_sensitive(world, client):
    sign_in(client, "Max.Manager@ACME.example", PASSWORD)

    assert signed_in_user_id(client) == str(world.manager.pk)


def test_sign_in_returns_to_the_page_asked_for(world, client):
    response = client.post(
        LOGIN + "?next=/o/acme/p/ALPHA/",
        {"username": world.manager.email, "password": PASSWORD, "next": "/o/acme/p/ALPHA/"},
    )

    assert response["Location"] == "/o/acme/p/ALPHA/"


def test_sign_in_never_redirects_to_another_site(world, client):
    response = client.post(
        LOGIN,
        {"username": world.manager.email, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == "/projects/"


def test_a_wrong_password_shows_a_message_and_signs_nobody_in(world, client):
    response = sign_in(client, world.manager.email, "not-the-password")

    assert response.status_code == 200
    assert WRONG_PASSWORD_MESSAGE in response.content.decode()
    assert signed_in_user_id(client) is None


def test_an_unknown_address_gets_the_same_message_as_a_wrong_password(world, client):
    response = sign_in(client, "nobody@acme.example", "whatever-password")

    assert response.status_code == 200
    assert WRONG_PASSWORD_MESSAGE in response.content.decode()


def test_a_deactivated_account_cannot_sign_in(world, client):
    world.viewer.is_active = False
    world.viewer.save()

    sign_in(client, world.viewer.email, PASSWORD)

    assert signed_in_user_id(client) is None


def test_repeated_failures_lock_out_that_email_from_that_address(world, client):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert sign_in(client, world.manager.email, "guess").status_code == 200

    fifth = sign_in(client, world.manager.email, "guess")
    assert fifth.status_code == 429
    assert "Too many sign-in attempts" in fifth.content.decode()

    # Even the right password is refused while locked out.
    right = sign_in(client, world.manager.email, PASSWORD)
    assert right.status_code == 429
    assert signed_in_user_id(client) is None


def test_a_lockout_cannot_be_dodged_by_changing_the_case_of_the_email(world, client):
    for attempt in range(5):
        sign_in(
            client, world.manager.email.upper() if attempt % 2 else world.manager.email, "guess"
        )

    response = sign_in(client, "Max.Manager@Acme.Example", PASSWORD)

    assert response.status_code == 429
    assert signed_in_user_id(client) is None


def test_a_lockout_leaves_other_addresses_and_other_places_alone(world, client):
    for _ in range(5):
        sign_in(client, world.manager.email, "guess", ip="10.0.0.1")

    # Another person at the same address signs in as usual.
    assert sign_in(client, world.viewer.email, PASSWORD, ip="10.0.0.1").status_code == 302
    assert signed_in_user_id(client) == str(world.viewer.pk)
    client.post("/accounts/logout/")
    # The locked-out person, from their usual place, too: the lock is per e-mail and address.
    assert sign_in(client, world.manager.email, PASSWORD, ip="10.0.0.2").status_code == 302
    assert signed_in_user_id(client) == str(world.manager.pk)


def test_the_lockout_ends_after_the_cool_off_period(world, client):
    for _ in range(5):
        sign_in(client, world.manager.email, "guess")

    with time_machine.travel(
        timezone.now() + settings.AXES_COOLOFF_TIME * timedelta(hours=1) + timedelta(minutes=1)
    ):
        response = sign_in(client, world.manager.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(world.manager.pk)


def test_a_successful_sign_in_resets_the_failure_count(world, client):
    for _ in range(4):
        sign_in(client, world.manager.email, "guess")
    assert sign_in(client, world.manager.email, PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    for _ in range(4):
        sign_in(client, world.manager.email, "guess")
    assert sign_in(client, world.manager.email, PASSWORD).status_code == 302


def test_signing_out_takes_a_post(world, client):
    sign_in(client, world.manager.email, PASSWORD)

    # A link or an image on another site cannot sign anyone out.
    assert client.get("/accounts/logout/").status_code == 405
    assert signed_in_user_id(client) == str(world.manager.pk)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert signed_in_user_id(client) is None
    assert client.get("/projects/")["Location"].startswith(LOGIN)


def test_every_signed_in_page_offers_sign_out_as_a_form(world, client):
    sign_in(client, world.manager.email, PASSWORD)

    page = client.get("/projects/").content.decode()

    assert 'action="/accounts/logout/"' in page and 'method="post"' in page
