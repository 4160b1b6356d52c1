"""Owners invite people by e-mail; the link in the e-mail lets them join, once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from rapport.accounts.models import Invitation, OrgMembership
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()

NEWCOMER = "nina.new@acme.example"
GOOD_PASSWORD = "nina-picks-a-long-passphrase"


@pytest.fixture
def owner_client(world):
    client = Client()
    client.force_login(world.owner, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def invite(owner_client, django_capture_on_commit_callbacks):
    """invite(email, role) -> the owner's response; the e-mail goes out when the write commits."""

    def do(email=NEWCOMER, role="member", client=owner_client):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/o/acme/invite/", {"email": email, "role": role}, follow=True)

    return do


def links_in(mailbox) -> list[str]:
    return [path for body in mailbox.bodies() for path in re.findall(r"https?://\S+", body)]


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def accept_as_newcomer(client, link, name="Nina New", password=GOOD_PASSWORD, again=None):
    return client.post(
        path_of(link),
        {"full_name": name, "password1": password, "password2": again or password},
    )


def test_the_invitation_arrives_by_smtp_with_a_link_to_this_site(
    world, invite, smtp_server, settings
):
    settings.SITE_URL = "https://rapport.example.com"

    response = invite()

    assert "Invitation sent to nina.new@acme.example." in response.content.decode()
    (mail,) = smtp_server.messages
    assert mail["to"] == [NEWCOMER]
    assert mail["message"]["Subject"] == "You are invited to Acme Corp on Rapport"
    body = smtp_server.bodies()[0]
    assert "Olga Owner invites you to join Acme Corp on Rapport as member." in body
    (link,) = links_in(smtp_server)
    assert link.startswith("https://rapport.example.com/invite/")


def test_the_link_carries_a_secret_that_is_not_stored(world, invite, smtp_server):
    invite()

    token = links_in(smtp_server)[0].rstrip("/").rsplit("/", 1)[1]
    row = Invitation.objects.values().get()
    assert all(token not in str(value) for value in row.values())


def test_a_newcomer_sets_a_name_and_password_and_becomes_a_member(
    world, invite, smtp_server, client
):
    invite()
    link = links_in(smtp_server)[0]

    page = client.get(path_of(link))
    assert page.status_code == 200
    assert "Join Acme Corp" in page.content.decode()
    response = accept_as_newcomer(client, link)

    assert response.status_code == 302 and response["Location"] == "/o/acme/"
    nina = User.objects.get(email=NEWCOMER)
    assert nina.full_name == "Nina New"
    assert nina.check_password(GOOD_PASSWORD)
    assert OrgMembership.objects.get(org=world.acme, user=nina).role == "member"
    # Signed in straight away, and welcomed.
    assert "Welcome to Acme Corp." in client.get("/o/acme/").content.decode()


def test_a_weak_password_is_refused_inline_and_nobody_joins(world, invite, smtp_server, client):
    invite()
    link = links_in(smtp_server)[0]

    response = accept_as_newcomer(client, link, password="password")

    assert response.status_code == 200
    assert re.search(
        r'class="error" id="id_password1_error">This password is too common',
        response.content.decode(),
    )
    assert not User.objects.filter(email=NEWCOMER).exists()
    # The link still works for a second try.
    assert accept_as_newcomer(client, link).status_code == 302


def test_two_different_passwords_are_refused(world, invite, smtp_server, client):
    invite()

    response = accept_as_newcomer(client, links_in(smtp_server)[0], again="something-else-entirely")

    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.filter(email=NEWCOMER).exists()


def test_someone_with_an_account_accepts_while_signed_in(world, invite, smtp_server, client_for):
    invite(email=world.outsider.email)
    link = links_in(smtp_server)[0]
    client = client_for(world.outsider)

    page = client.get(path_of(link)).content.decode()
    assert "Join as otto.outsider@globex.example" in page
    response = client.post(path_of(link))

    assert response.status_code == 302 and response["Location"] == "/o/acme/"
    assert OrgMembership.objects.filter(org=world.acme, user=world.outsider, role="member").exists()
    assert world.outsider.check_password(PASSWORD)  # their password is untouched


def test_someone_with_an_account_is_asked_to_sign_in_first(world, invite, smtp_server, client):
    invite(email=world.outsider.email)

    response = accept_as_newcomer(client, links_in(smtp_server)[0])

    assert "exists: sign in first, then open the link again" in response.content.decode()
    assert not OrgMembership.objects.filter(org=world.acme, user=world.outsider).exists()
    assert world.outsider.check_password(PASSWORD)


def test_a_link_for_someone_else_does_not_work_for_the_signed_in_person(
    world, invite, smtp_server, client_for
):
    invite()
    client = client_for(world.outsider)

    response = client.post(path_of(links_in(smtp_server)[0]))

    assert "This invitation is for nina.new@acme.example" in response.content.decode()
    assert not OrgMembership.objects.filter(org=world.acme, user=world.outsider).exists()


def test_an_owner_can_invite_another_owner(world, invite, smtp_server, client):
    invite(role="owner")

    accept_as_newcomer(client, links_in(smtp_server)[0])

    assert OrgMembership.objects.get(user__email=NEWCOMER).role == "owner"


def assert_link_is_dead(client, link):
    response = client.get(path_of(link))
    assert response.status_code == 404
    assert "This invitation is not valid" in response.content.decode()
    assert "used, revoked, or has expired" in response.content.decode()
    # Posting to it does not create anyone either.
    accept_as_newcomer(client, link)
    assert not User.objects.filter(email=NEWCOMER).exists()


def test_a_used_link_says_so(world, invite, smtp_server, client):
    invite()
    link = links_in(smtp_server)[0]
    accept_as_newcomer(client, link)
    client.post("/accounts/logout/")

    response = client.get(path_of(link))

    assert response.status_code == 404
    assert "This invitation is not valid" in response.content.decode()


def test_an_expired_link_says_so(world, invite, smtp_server, client):
    invite()

    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        assert_link_is_dead(client, links_in(smtp_server)[0])


def test_a_revoked_link_says_so(world, invite, smtp_server, client, owner_client):
    invite()
    invitation = Invitation.objects.get()

    response = owner_client.post(f"/o/acme/invitations/{invitation.pk}/revoke/", follow=True)

    assert "Invitation of nina.new@acme.example revoked." in response.content.decode()
    assert_link_is_dead(client, links_in(smtp_server)[0])


def test_a_member_who_is_not_an_owner_cannot_invite(world, invite, smtp_server, client_for):
    response = invite(client=client_for(world.member))

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert smtp_server.messages == []


def test_inviting_again_replaces_the_open_invitation(
    world, invite, smtp_server, client, owner_client
):
    invite(role="member")
    invite(role="owner")

    first, second = links_in(smtp_server)
    open_invitations = [i for i in Invitation.objects.all() if i.is_open]
    assert len(open_invitations) == 1 and open_invitations[0].role == "owner"
    assert owner_client.get("/o/acme/").content.decode().count("nina.new@acme.example as") == 1
    assert_link_is_dead(client, first)
    assert accept_as_newcomer(client, second).status_code == 302
    assert OrgMembership.objects.get(user__email=NEWCOMER).role == "owner"


def test_inviting_an_existing_member_is_refused_with_a_clear_message(world, invite, smtp_server):
    response = invite(email="Mona.Member@acme.example")

    assert "mona.member@acme.example is already a member of Acme Corp." in response.content.decode()
    assert not Invitation.objects.exists()
    assert smtp_server.messages == []


def test_a_malformed_address_is_refused(world, invite, smtp_server):
    response = invite(email="not an address")

    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_open_invitations_are_listed_for_owners_only(world, invite, client_for):
    invite()

    assert NEWCOMER in client_for(world.owner).get("/o/acme/").content.decode()
    assert NEWCOMER not in client_for(world.member).get("/o/acme/").content.decode()


def test_owners_invite_through_the_api_too(
    world, client, smtp_server, django_capture_on_commit_callbacks
):
    from rapport.accounts import services

    _, token = services.api_token_create(actor=world.owner, name="script")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/orgs/acme/invitations",
            {"email": NEWCOMER, "role": "member"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    assert response.status_code == 201
    assert response.json()["email"] == NEWCOMER
    assert [m["to"] for m in smtp_server.messages] == [[NEWCOMER]]


def test_the_api_refuses_an_existing_member_with_a_json_message(world, client, smtp_server):
    from rapport.accounts import services

    _, token = services.api_token_create(actor=world.owner, name="script")

    response = client.post(
        "/api/v1/orgs/acme/invitations",
        {"email": world.member.email, "role": "member"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "email": ["mona.member@acme.example is already a member of Acme Corp."]
    }
    assert not Invitation.objects.exists()
