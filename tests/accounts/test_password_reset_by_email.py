"""A forgotten password is reset through a one-time link sent by e-mail over SMTP."""

import re

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-long-passphrase"


def ask_for_reset(client, email):
    return client.post("/accounts/password/reset/", {"email": email})


def link_in(mailbox) -> str:
    (body,) = mailbox.bodies()
    (link,) = re.findall(r"https?://\S+", body)
    return link


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def can_sign_in(client, email, password) -> bool:
    response = client.post("/accounts/login/", {"username": email, "password": password})
    signed_in = "_auth_user_id" in client.session
    if signed_in:
        client.post("/accounts/logout/")
    return response.status_code == 302 and signed_in


def test_the_reset_email_arrives_over_smtp_with_a_link(world, client, smtp_server):
    response = ask_for_reset(client, world.viewer.email)

    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    (mail,) = smtp_server.messages
    assert mail["to"] == [world.viewer.email]
    assert mail["message"]["Subject"] == "Reset your Rapport password"
    assert "/accounts/password/reset/" in link_in(smtp_server)


def test_the_link_sets_a_new_password_and_the_old_one_stops_working(world, client, smtp_server):
    ask_for_reset(client, world.viewer.email)

    form_page = client.get(path_of(link_in(smtp_server)), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/done/"
    assert can_sign_in(client, world.viewer.email, NEW_PASSWORD)
    assert not can_sign_in(client, world.viewer.email, PASSWORD)


def test_the_link_works_only_once(world, client, smtp_server):
    ask_for_reset(client, world.viewer.email)
    link = path_of(link_in(smtp_server))
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    again = client.get(link, follow=True)

    assert "This link has expired" in again.content.decode()
    assert "new_password1" not in again.content.decode()


def test_a_weak_new_password_is_refused_and_the_old_one_still_works(world, client, smtp_server):
    ask_for_reset(client, world.viewer.email)
    form_page = client.get(path_of(link_in(smtp_server)), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert can_sign_in(client, world.viewer.email, PASSWORD)


def test_a_tampered_link_is_refused(world, client, smtp_server):
    ask_for_reset(client, world.viewer.email)
    link = path_of(link_in(smtp_server))
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = link.replace(token, token[:-1] + ("a" if token[-1] != "a" else "b"))

    response = client.get(tampered, follow=True)

    assert "This link has expired" in response.content.decode()


def test_an_unknown_address_reveals_nothing_and_sends_nothing(world, client, smtp_server):
    known = ask_for_reset(client, world.viewer.email)
    unknown = ask_for_reset(client, "nobody@nowhere.example")

    # The same answer either way: the page does not tell who has an account.
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["to"] == [world.viewer.email]


def test_the_address_is_matched_whatever_its_case(world, client, smtp_server):
    ask_for_reset(client, world.viewer.email.upper())

    (mail,) = smtp_server.messages
    assert mail["to"] == [world.viewer.email]
