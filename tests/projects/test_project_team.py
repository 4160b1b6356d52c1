"""A project's team on its Team page: managers add people of the organisation, set roles, remove."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.accounts import services as accounts
from rapport.projects import services as projects
from rapport.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db

TEAM = "/o/acme/p/ALPHA/members/"


def role_on_alpha(user):
    membership = ProjectMembership.objects.filter(project__code="ALPHA", user=user).first()
    return membership.role if membership else None


def test_a_manager_adds_someone_from_the_organisation(world, client_for):
    client = client_for(world.manager)
    page = client.get(TEAM).content.decode()
    # Offered: in Acme, not on the team yet. Nobody from another organisation is.
    assert "Mona Member &lt;mona.member@acme.example&gt;" in page
    assert "otto.outsider" not in page

    response = client.post(
        TEAM + "add/", {"user": world.member.pk, "role": "contributor"}, follow=True
    )

    assert "Mona Member is now contributor." in response.content.decode()
    assert role_on_alpha(world.member) == "contributor"
    assert client_for(world.member).get("/o/acme/p/ALPHA/").status_code == 200


def test_someone_outside_the_organisation_cannot_be_added(world, client_for):
    response = client_for(world.manager).post(
        TEAM + "add/", {"user": world.outsider.pk, "role": "viewer"}, follow=True
    )

    assert "Choose a person from the organisation and a role." in response.content.decode()
    assert role_on_alpha(world.outsider) is None


def test_a_manager_changes_a_role_and_removes_someone(world, client_for):
    client = client_for(world.manager)

    client.post(f"{TEAM}{world.viewer.pk}/role/", {"role": "contributor"})
    assert role_on_alpha(world.viewer) == "contributor"
    response = client.post(f"{TEAM}{world.viewer.pk}/remove/", follow=True)

    assert "Vera Viewer no longer has a role on ALPHA." in response.content.decode()
    assert role_on_alpha(world.viewer) is None
    assert client_for(world.viewer).get("/o/acme/p/ALPHA/").status_code == 404


def test_a_bad_role_changes_nothing(world, client_for):
    response = client_for(world.manager).post(
        f"{TEAM}{world.viewer.pk}/role/", {"role": "dictator"}, follow=True
    )

    assert "Choose manager, contributor or viewer." in response.content.decode()
    assert role_on_alpha(world.viewer) == "viewer"


def test_contributors_see_the_team_but_cannot_change_it(world, client_for):
    client = client_for(world.contributor)

    page = client.get(TEAM).content.decode()
    assert "Max Manager" in page and "Vera Viewer" in page
    assert "Set role" not in page and "Add to the team" not in page
    assert (
        client.post(TEAM + "add/", {"user": world.member.pk, "role": "manager"}).status_code == 403
    )
    assert role_on_alpha(world.member) is None


def test_a_full_team_says_everyone_is_on_it(world, client_for):
    projects.project_member_set(
        actor=world.manager, project=world.alpha, user=world.member, role="viewer"
    )
    projects.project_member_set(
        actor=world.owner, project=world.alpha, user=world.owner, role="manager"
    )

    page = client_for(world.manager).get(TEAM).content.decode()

    assert "Everyone in Acme Corp is on this team." in page


def test_the_team_page_takes_the_same_number_of_queries_for_a_big_team(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.manager)
    with CaptureQueriesContext(connection) as few:
        client.get(TEAM)
    for n in range(20):
        person = accounts.user_create(
            email=f"p{n}@acme.example", password=None, full_name=f"Person {n}"
        )
        accounts.org_member_add(actor=world.owner, org=world.acme, user=person)
        if n % 2:
            projects.project_member_set(
                actor=world.owner, project=world.alpha, user=person, role="viewer"
            )

    with django_assert_max_num_queries(len(few)):
        page = client.get(TEAM).content.decode()
    assert len(re.findall(r">Remove Person \d+</button>", page)) == 10


def test_the_organisation_page_takes_the_same_number_of_queries_for_many_members(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.owner)
    with CaptureQueriesContext(connection) as few:
        client.get("/o/acme/")
    for n in range(20):
        person = accounts.user_create(
            email=f"p{n}@acme.example", password=None, full_name=f"Person {n}"
        )
        accounts.org_member_add(actor=world.owner, org=world.acme, user=person)
        accounts.invitation_create(
            actor=world.owner, org=world.acme, email=f"invited{n}@acme.example"
        )

    with django_assert_max_num_queries(len(few)):
        page = client.get("/o/acme/").content.decode()
    assert "Person 19" in page and "invited19@acme.example" in page
