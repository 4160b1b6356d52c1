"""Identification prompts: the kinds of stakeholder nobody has considered yet."""

import pytest

from rapport.stakeholders import selectors, services

pytestmark = pytest.mark.django_db


def test_categories_nobody_belongs_to_are_prompted(world, sample, category):
    prompts = selectors.identification_prompts(world.alpha)
    names = [p.name for p in prompts["prompts"]]
    assert "Union" not in names  # the Sales team is in it
    assert "Government/regulator" in names and "Community" in names
    assert prompts["message"].startswith("No ") and prompts["message"].endswith("none affected?")


def test_marking_a_category_not_applicable_makes_the_prompt_go_away_honestly(
    world, client_for, category
):
    client = client_for(world.contributor)
    regulator = category("Government/regulator")
    client.post(
        f"/o/acme/p/ALPHA/customers/categories/{regulator.pk}/consider/",
        {"reason": "No personal data"},
    )
    prompts = selectors.identification_prompts(world.alpha)
    assert regulator.pk not in [p.category_id for p in prompts["prompts"]]
    assert [(c.category.name, c.reason, c.decided_by) for c in prompts["not_applicable"]] == [
        ("Government/regulator", "No personal data", world.contributor)
    ]
    page = client.get("/o/acme/p/ALPHA/customers/").content.decode()
    assert "No personal data" in page
    client.post(
        f"/o/acme/p/ALPHA/customers/categories/{regulator.pk}/consider/", {"not_applicable": "0"}
    )
    assert regulator.pk in [
        p.category_id for p in selectors.identification_prompts(world.alpha)["prompts"]
    ]


def test_when_every_category_is_considered_there_is_no_prompt(world, category):
    for c in world.acme.stakeholder_categories.all():
        services.consideration_set(
            actor=world.manager, project=world.alpha, category=c, not_applicable=True
        )
    assert selectors.identification_prompts(world.alpha)["prompts"] == []
    codes = [f.code for f in selectors.project_findings(world.alpha)["findings"]]
    assert "category-not-considered" not in codes


def test_a_category_of_another_organisation_cannot_be_marked(world, client_for):
    foreign = world.globex.stakeholder_categories.first()
    response = client_for(world.manager).post(
        f"/o/acme/p/ALPHA/customers/categories/{foreign.pk}/consider/"
    )
    assert response.status_code == 404


def test_a_project_role_answers_the_prompt_for_its_category(world):
    # Neither party has a category in the register: their roles on the project say who they are.
    services.stakeholder_add(
        actor=world.manager, project=world.alpha, new_party={"name": "Olga"}, roles=["sponsor"]
    )
    services.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Parts Ltd", "kind": "group", "relationship": "external"},
        roles=["supplier", "regulator"],
    )
    names = [p.name for p in selectors.identification_prompts(world.alpha)["prompts"]]
    assert "Sponsor" not in names and "Supplier" not in names
    assert "Government/regulator" not in names
    assert "Union" in names and "End user" in names
    message = selectors.identification_prompts(world.alpha)["message"]
    assert not message.startswith("No sponsor")


def test_several_kinds_are_marked_not_applicable_at_once_with_one_reason(
    world, client_for, category
):
    regulator, community = category("Government/regulator"), category("Community")
    foreign = world.globex.stakeholder_categories.first()
    response = client_for(world.contributor).post(
        "/o/acme/p/ALPHA/customers/categories/not-applicable/",
        {"category": [regulator.pk, community.pk, foreign.pk], "reason": "Internal tool"},
        follow=True,
    )

    assert "Marked not applicable (2)" in response.content.decode()
    marked = selectors.identification_prompts(world.alpha)["not_applicable"]
    assert sorted((c.category.name, c.reason) for c in marked) == [
        ("Community", "Internal tool"),
        ("Government/regulator", "Internal tool"),
    ]  # the other organisation's category was ignored, not marked


def test_the_customers_page_leads_with_the_list_and_speaks_plainly(world, client_for, sample):
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/customers/").content.decode()

    assert page.index('id="list-title"') < page.index('id="findings-title"')
    assert page.index('id="list-title"') < page.index('id="prompts-title"')
    findings = page[page.index('id="findings"') : page.index('id="prompts"')]
    assert "<code>" not in findings and "engagement-gap" not in findings
