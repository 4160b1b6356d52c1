"""A party on a project: roles, customer or not, analysis; added and edited through the pages."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from rapport.stakeholders import services
from rapport.stakeholders.models import Party, ProjectStakeholder

pytestmark = pytest.mark.django_db

ANALYSIS = {
    "roles": ["sponsor"],
    "power": "5",
    "interest": "4",
    "attitude": "champion",
    "engagement_now": "supportive",
    "engagement_needed": "leading",
    "benefits": "",
    "weighs_in_on": "",
    "concerns": "",
    "expectations": "",
}


def test_a_contributor_adds_a_new_person_who_joins_the_register_too(world, client_for):
    client = client_for(world.contributor)
    response = client.post(
        "/o/acme/p/ALPHA/customers/add/",
        {
            "existing": "",
            "party-kind": "person",
            "party-name": "Sofia Reyes",
            "party-title": "Sales Director",
            "party-relationship": "internal",
            "party-payment": "none",
            **ANALYSIS,
        },
    )
    assert response.status_code == 302
    s = ProjectStakeholder.objects.get(project=world.alpha)
    assert (
        s.party.name == "Sofia Reyes"
        and s.party.org == world.acme
        and s.roles == ["sponsor"]
        and s.power == 5
    )
    entry = LogEntry.objects.get_for_object(s).get()
    assert (
        entry.actor == world.contributor and entry.additional_data["project_id"] == world.alpha.pk
    )


def test_an_existing_party_is_picked_from_the_register(world, client_for):
    party = services.party_create(
        actor=world.owner, org=world.acme, name="Sales team", kind="group"
    )
    client = client_for(world.contributor)
    response = client.post(
        "/o/acme/p/ALPHA/customers/add/",
        {
            "existing": party.pk,
            "party-name": "",
            "is_customer": "on",
            **{**ANALYSIS, "roles": ["senior_user"]},
        },
    )
    assert response.status_code == 302
    s = ProjectStakeholder.objects.get(project=world.alpha)
    assert s.party == party and s.is_customer and Party.objects.count() == 1


def test_adding_without_a_name_shows_the_error_inline(world, client_for):
    client = client_for(world.contributor)
    response = client.post(
        "/o/acme/p/ALPHA/customers/add/", {"existing": "", "party-name": "", **ANALYSIS}
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not ProjectStakeholder.objects.exists()


def test_sponsor_and_customer_can_be_the_same_party_or_different_ones(world):
    same = services.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Owner-user"},
        roles=["sponsor"],
        is_customer=True,
    )
    assert "sponsor" in same.roles and same.is_customer
    other = services.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Funder"},
        roles=["sponsor"],
        is_customer=False,
    )
    assert not other.is_customer


def test_a_party_is_on_a_project_once_and_only_on_its_own_organisations_projects(world):
    s = services.stakeholder_add(
        actor=world.manager, project=world.alpha, new_party={"name": "Ada"}
    )
    with pytest.raises(ValidationError, match="already"):
        services.stakeholder_add(actor=world.manager, project=world.alpha, party=s.party)
    with pytest.raises(ValidationError, match="another organisation"):
        services.stakeholder_add(actor=world.outsider, project=world.omega, party=s.party)


def test_power_and_interest_stay_within_1_to_5_and_roles_are_known(world):
    with pytest.raises(ValidationError):
        services.stakeholder_add(
            actor=world.manager, project=world.alpha, new_party={"name": "A"}, power=7
        )
    with pytest.raises(ValidationError, match="Unknown role"):
        services.stakeholder_add(
            actor=world.manager, project=world.alpha, new_party={"name": "B"}, roles=["wizard"]
        )
    assert not ProjectStakeholder.objects.exists() and not Party.objects.exists()


def test_editing_changes_the_analysis_and_the_party(world, client_for, sample):
    client = client_for(world.contributor)
    url = f"/o/acme/p/ALPHA/customers/{sample['stakeholder_id']}/edit/"
    form = client.get(url).content.decode()
    assert "Sales team" in form
    response = client.post(
        url,
        {
            "party-kind": "group",
            "party-name": "Sales team",
            "party-department": "Sales",
            "party-relationship": "internal",
            "party-payment": "none",
            **ANALYSIS,
            "is_customer": "on",
            "nervous": "on",
            "concerns": "Activity tracking",
            "roles": ["end_user"],
        },
    )
    assert response.status_code == 302
    s = ProjectStakeholder.objects.get(pk=sample["stakeholder_id"])
    assert (
        s.nervous
        and s.concerns == "Activity tracking"
        and s.party.department == "Sales"
        and s.roles == ["end_user"]
    )
    page = client.get("/o/acme/p/ALPHA/customers/").content.decode()
    assert "Sales team is nervous: Activity tracking" in page


def test_removing_a_stakeholder_keeps_the_party_in_the_register(world, client_for, sample):
    client = client_for(world.contributor)
    client.post(f"/o/acme/p/ALPHA/customers/{sample['stakeholder_id']}/remove/")
    assert not ProjectStakeholder.objects.filter(pk=sample["stakeholder_id"]).exists()
    assert Party.objects.filter(pk=sample["party_id"]).exists()


def test_a_viewer_reads_but_sees_no_buttons_to_change(world, client_for, sample):
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/customers/").content.decode()
    assert "Sales team" in page and "Add a stakeholder" not in page and "Not applicable" not in page
    page = (
        client_for(world.viewer)
        .get(f"/o/acme/p/ALPHA/customers/{sample['stakeholder_id']}/")
        .content.decode()
    )
    assert "Add a value criterion" not in page


def test_the_empty_customers_page_says_what_to_do_next(world, client_for):
    page = client_for(world.contributor).get("/o/acme/p/ALPHA/customers/").content.decode()
    assert "Nobody is recorded for ALPHA yet" in page and "Add the first stakeholder" in page


def test_the_project_nav_links_to_customers(world, client_for):
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/").content.decode()
    assert 'href="/o/acme/p/ALPHA/customers/"' in page


def test_stakeholders_of_another_project_are_not_reachable_through_this_one(
    world, client_for, sample
):
    from rapport.projects import services as projects

    beta = projects.project_create(actor=world.manager, org=world.acme, code="BETA", name="Beta")
    response = client_for(world.manager).get(
        f"/o/acme/p/BETA/customers/{sample['stakeholder_id']}/"
    )
    assert response.status_code == 404 and beta.pk
