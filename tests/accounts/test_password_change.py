"""A signed-in person changes their own password, proving they know the current one."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase-42"


def change(client, old, new1, new2=None):
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
    )


def password_works(user, password) -> bool:
    user.refresh_from_db()
    return user.check_password(password)


def test_the_new_password_replaces_the_old_one(world, client_for):
    client = client_for(world.contributor)

    response = change(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302 and response["Location"] == "/account/"
    assert password_works(world.contributor, NEW_PASSWORD)
    assert not password_works(world.contributor, PASSWORD)


def test_the_person_stays_signed_in_after_the_change(world, client_for):
    client = client_for(world.contributor)

    change(client, PASSWORD, NEW_PASSWORD)

    assert client.get("/account/").status_code == 200


def test_the_current_password_must_be_right(world, client_for):
    client = client_for(world.contributor)

    response = change(client, "not-my-password", NEW_PASSWORD)

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert password_works(world.contributor, PASSWORD)


def test_a_weak_password_is_refused_with_the_reason(world, client_for):
    client = client_for(world.contributor)

    response = change(client, PASSWORD, "short")

    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert password_works(world.contributor, PASSWORD)


def test_the_two_new_passwords_must_match(world, client_for):
    client = client_for(world.contributor)

    response = change(client, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")

    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    assert password_works(world.contributor, PASSWORD)


def test_other_sessions_of_that_person_are_signed_out(world, client_for):
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(world.contributor, backend="django.contrib.auth.backends.ModelBackend")
    client = client_for(world.contributor)

    change(client, PASSWORD, NEW_PASSWORD)

    assert elsewhere.get("/account/")["Location"].startswith("/accounts/login/")


def test_anonymous_visitors_are_sent_to_sign_in(db, client):
    response = client.get("/accounts/password/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
