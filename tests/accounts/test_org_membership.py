"""Owners change who is in their organisation; an organisation always keeps an owner."""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from rapport.accounts import services
from rapport.accounts.models import Organisation, OrgMembership
from rapport.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db


def role_in_acme(user):
    membership = OrgMembership.objects.filter(org__slug="acme", user=user).first()
    return membership.role if membership else None


def test_an_owner_makes_a_member_owner_and_back(world, client_for):
    client = client_for(world.owner)

    promoted = client.post(
        f"/o/acme/members/{world.member.pk}/role/", {"role": "owner"}, follow=True
    )
    assert "Mona Member is now owner." in promoted.content.decode()
    assert role_in_acme(world.member) == "owner"

    client.post(f"/o/acme/members/{world.member.pk}/role/", {"role": "member"})
    assert role_in_acme(world.member) == "member"


def test_the_last_owner_cannot_be_demoted(world, client_for):
    response = client_for(world.owner).post(
        f"/o/acme/members/{world.owner.pk}/role/", {"role": "member"}, follow=True
    )

    assert (
        "An organisation needs at least one owner; make someone else owner first."
        in response.content.decode()
    )
    assert role_in_acme(world.owner) == "owner"


def test_the_last_owner_cannot_be_removed(world, client_for):
    response = client_for(world.owner).post(
        f"/o/acme/members/{world.owner.pk}/remove/", follow=True
    )

    assert (
        "The last owner cannot leave; make someone else owner first." in response.content.decode()
    )
    assert role_in_acme(world.owner) == "owner"


def test_with_a_second_owner_the_first_may_step_down(world, client_for):
    services.org_member_set_role(actor=world.owner, org=world.acme, user=world.member, role="owner")

    client_for(world.owner).post(f"/o/acme/members/{world.owner.pk}/role/", {"role": "member"})

    assert role_in_acme(world.owner) == "member"
    assert role_in_acme(world.member) == "owner"


def test_removing_a_member_removes_their_project_roles(world, client_for):
    assert ProjectMembership.objects.filter(user=world.contributor).exists()

    response = client_for(world.owner).post(
        f"/o/acme/members/{world.contributor.pk}/remove/", follow=True
    )

    assert "Carl Contributor removed from Acme Corp." in response.content.decode()
    assert role_in_acme(world.contributor) is None
    assert not ProjectMembership.objects.filter(user=world.contributor).exists()
    # And with the roles, the access: ALPHA is now hidden from them.
    assert client_for(world.contributor).get("/o/acme/p/ALPHA/").status_code == 404


def test_removing_a_member_of_one_organisation_keeps_their_roles_in_another(world, client_for):
    services.org_member_add(actor=world.outsider, org=world.globex, user=world.contributor)
    from rapport.projects import services as projects

    projects.project_member_set(
        actor=world.outsider, project=world.omega, user=world.contributor, role="viewer"
    )

    client_for(world.owner).post(f"/o/acme/members/{world.contributor.pk}/remove/")

    assert list(
        ProjectMembership.objects.filter(user=world.contributor).values_list(
            "project__code", flat=True
        )
    ) == ["OMEGA"]


def test_an_unknown_role_is_refused(world, client_for):
    response = client_for(world.owner).post(
        f"/o/acme/members/{world.member.pk}/role/", {"role": "emperor"}, follow=True
    )

    assert "Choose owner or member." in response.content.decode()
    assert role_in_acme(world.member) == "member"


def test_someone_outside_the_organisation_cannot_be_given_a_role_in_it(world, client_for):
    response = client_for(world.owner).post(
        f"/o/acme/members/{world.outsider.pk}/role/", {"role": "owner"}
    )

    assert response.status_code == 404
    assert role_in_acme(world.outsider) is None


def test_members_who_are_not_owners_cannot_change_roles_or_remove_people(world, client_for):
    client = client_for(world.manager)

    assert (
        client.post(f"/o/acme/members/{world.manager.pk}/role/", {"role": "owner"}).status_code
        == 403
    )
    assert client.post(f"/o/acme/members/{world.owner.pk}/remove/").status_code == 403
    assert role_in_acme(world.manager) == "member"
    assert role_in_acme(world.owner) == "owner"


def test_members_see_the_member_list_but_no_controls(world, client_for):
    page = client_for(world.member).get("/o/acme/").content.decode()

    assert "Olga Owner" in page and "Carl Contributor" in page
    assert "Set role" not in page and "Invite someone" not in page


def test_an_owner_creates_an_organisation_and_owns_it(world, client_for):
    client = client_for(world.member)

    response = client.post("/orgs/new/", {"name": "Initech", "slug": "initech"})

    assert response.status_code == 302 and response["Location"] == "/o/initech/"
    assert OrgMembership.objects.get(org__slug="initech").user == world.member
    assert OrgMembership.objects.get(org__slug="initech").role == "owner"


def test_an_organisation_short_name_must_be_free_and_well_formed(world, client_for):
    client = client_for(world.member)

    taken = client.post("/orgs/new/", {"name": "Another Acme", "slug": "ACME"})
    malformed = client.post("/orgs/new/", {"name": "Bad", "slug": "-bad-"})

    assert "The short name acme is taken; choose another." in taken.content.decode()
    assert (
        "Use lowercase letters, digits and hyphens (not at the start or end)."
        in malformed.content.decode()
    )
    assert OrgMembership.objects.filter(user=world.member).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="two app servers at once: needs PostgreSQL's row locks (SQLite writes one at a time)",
)
def test_two_owners_stepping_down_at_the_same_moment_leave_one_owner(world, monkeypatch):
    services.org_member_set_role(actor=world.owner, org=world.acme, user=world.member, role="owner")
    # Hold each request right after it counted the owners, so that without a lock both
    # would count two and both step down.
    both_counted = threading.Barrier(2)
    real_count = services._owner_count

    def count_then_wait(org):
        count = real_count(org)
        try:
            both_counted.wait(timeout=1.5)
        except threading.BrokenBarrierError:
            pass  # the other request is waiting for our lock: go on alone
        return count

    monkeypatch.setattr(services, "_owner_count", count_then_wait)
    outcomes = []

    def step_down(person):
        try:
            org = Organisation.objects.get(slug="acme")
            services.org_member_set_role(actor=person, org=org, user=person, role="member")
            outcomes.append("stepped down")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=step_down, args=(p,)) for p in (world.owner, world.member)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "stepped down"]
    assert OrgMembership.objects.filter(org=world.acme, role="owner").count() == 1
