"""Value criteria per customer, weighted and aligned to project goals, and what does not line up."""

import pytest
from django.core.exceptions import ValidationError

from rapport.projects import services as projects
from rapport.stakeholders import selectors, services
from rapport.stakeholders.models import ValueCriterion

pytestmark = pytest.mark.django_db


def codes(project):
    return {(f.code, f.subject) for f in selectors.value_overview(project)["findings"]}


def test_goals_no_customer_values_and_customers_without_criteria_are_found(world, sample):
    projects.project_update(
        actor=world.manager, project=world.alpha, goals=["Happy customers", "Lower cost"]
    )
    services.stakeholder_add(
        actor=world.manager, project=world.alpha, new_party={"name": "Support"}, is_customer=True
    )
    found = codes(world.alpha)
    assert ("goal-valued-by-no-customer", "Lower cost") in found
    assert ("goal-valued-by-no-customer", "Happy customers") not in found
    assert ("customer-without-value-criteria", "Support") in found


def test_a_criterion_aligned_to_no_goal_is_found(world, sample):
    customer = world.alpha.stakeholders.get(pk=sample["stakeholder_id"])
    services.criterion_create(actor=world.manager, stakeholder=customer, text="No double entry")
    assert ("criterion-aligned-to-no-goal", "No double entry") in codes(world.alpha)


def test_a_contributor_adds_edits_and_deletes_criteria_on_the_page(world, client_for, sample):
    client = client_for(world.contributor)
    goal = world.alpha.goals.get()
    base = f"/o/acme/p/ALPHA/customers/{sample['stakeholder_id']}/"
    client.post(
        base + "criteria/add/", {"text": "Answers within a day", "weight": 2, "goals": [goal.pk]}
    )
    criterion = ValueCriterion.objects.get(text="Answers within a day")
    assert list(criterion.goals.all()) == [goal]
    page = client.get(base).content.decode()
    assert "Answers within a day" in page and "40.0%" in page  # weight 2 of 5
    client.post(
        f"/o/acme/p/ALPHA/customers/criteria/{criterion.pk}/edit/",
        {"text": "Answers within an hour", "weight": 4},
    )
    criterion.refresh_from_db()
    assert (
        criterion.text == "Answers within an hour"
        and criterion.weight == 4
        and not criterion.goals.exists()
    )
    client.post(f"/o/acme/p/ALPHA/customers/criteria/{criterion.pk}/delete/")
    assert not ValueCriterion.objects.filter(pk=criterion.pk).exists()


def test_weights_stay_between_1_and_100_and_goals_come_from_the_same_project(world, sample):
    customer = world.alpha.stakeholders.get(pk=sample["stakeholder_id"])
    with pytest.raises(ValidationError):
        services.criterion_create(actor=world.manager, stakeholder=customer, text="x", weight=0)
    beta = projects.project_create(
        actor=world.manager, org=world.acme, code="BETA", name="B", goals=["Other goal"]
    )
    with pytest.raises(ValidationError, match="another project"):
        services.criterion_create(
            actor=world.manager, stakeholder=customer, text="x", goals=list(beta.goals.all())
        )


def test_the_value_page_shows_goals_and_who_values_them(world, client_for, sample):
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/customers/value/").content.decode()
    assert "Happy customers" in page and "One screen per customer" in page and "Sales team" in page
