"""Consensus is the customers' agreement: a business analyst's or an expert's answer is advice."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from rapport.stakeholders import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisers_only(world):
    """An outcome whose only answers come from a business analyst and a subject-matter expert,
    both of whom agreed; neither is a customer."""
    actor = world.manager
    analyst = services.stakeholder_add(
        actor=actor,
        project=world.alpha,
        new_party={"name": "Bea Analyst"},
        roles=["business_analyst"],
    )
    expert = services.stakeholder_add(
        actor=actor, project=world.alpha, new_party={"name": "Sid Expert"}, roles=["sme"]
    )
    outcome = services.outcome_create(
        actor=actor,
        project=world.alpha,
        title="Reports in one click",
        stakeholders=[analyst, expert],
    )
    for stakeholder in (analyst, expert):
        services.position_set(
            actor=actor, outcome=outcome, stakeholder=stakeholder, status="agreed"
        )
    return outcome


def _annotated(world, outcome):
    return selectors.annotate_outcome(selectors.outcome_get(world.alpha, outcome.pk))


def test_an_outcome_agreed_only_by_non_customers_is_not_agreed(world, advisers_only):
    outcome = _annotated(world, advisers_only)
    assert outcome.consensus == "no-customers"
    assert outcome.consensus_label == "No customer concerned: cannot be agreed"
    summary = selectors.consensus(world.alpha)["summary"]
    assert summary["agreed"] == 0 and not summary["reached"]


def test_the_finding_says_the_outcome_cannot_be_agreed_and_names_the_advisers(world, advisers_only):
    found = [
        f
        for f in selectors.consensus(world.alpha)["findings"]
        if f.code == "outcome-without-customer"
    ]
    assert len(found) == 1
    assert "cannot be agreed" in found[0].message
    assert "Bea Analyst, Sid Expert are not a customer" in found[0].message


def test_a_non_customer_objection_is_advice_and_does_not_block_the_customers(world, advisers_only):
    customer = services.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Sales team", "kind": "group"},
        is_customer=True,
    )
    analyst = world.alpha.stakeholders.get(party__name="Bea Analyst")
    services.outcome_update(
        actor=world.manager,
        outcome=advisers_only,
        stakeholders=[customer, analyst, world.alpha.stakeholders.get(party__name="Sid Expert")],
    )
    services.position_set(
        actor=world.manager, outcome=advisers_only, stakeholder=customer, status="agreed"
    )
    services.position_set(
        actor=world.manager,
        outcome=advisers_only,
        stakeholder=analyst,
        status="objected",
        reason="The old data is not clean enough.",
    )
    assert _annotated(world, advisers_only).consensus == "agreed"
    codes = {f.code: f for f in selectors.consensus(world.alpha)["findings"]}
    assert "outcome-objected" not in codes
    assert codes["outcome-advice-against"].severity == "info"
    assert "Bea Analyst (not a customer)" in codes["outcome-advice-against"].message


def test_the_outcome_page_marks_advice_and_says_it_cannot_be_agreed(
    world, advisers_only, client_for
):
    page = client_for(world.viewer).get(f"/o/acme/p/ALPHA/customers/outcomes/{advisers_only.pk}/")
    html = page.content.decode()
    assert "No customer concerned: cannot be agreed" in html
    assert "No customer is asked to agree this outcome, so it cannot be agreed." in html
    assert html.count("advice: not a customer") == 2


def test_the_api_says_which_answers_count(world, advisers_only, client_for):
    r = client_for(world.viewer).get(
        f"/api/v1/projects/{world.alpha.pk}/outcomes/{advisers_only.pk}"
    )
    body = r.json()
    assert body["consensus"] == "no-customers"
    assert body["consensus_label"] == "No customer concerned: cannot be agreed"
    assert [(p["name"], p["counts"]) for p in body["positions"]] == [
        ("Bea Analyst", False),
        ("Sid Expert", False),
    ]


def test_the_cli_lists_each_outcome_with_advice_marked(world, advisers_only):
    out = StringIO()
    call_command("register", "outcomes", "--project", "ALPHA", stdout=out)
    text = out.getvalue()
    assert "Reports in one click: No customer concerned: cannot be agreed" in text
    assert "Bea Analyst (not a customer, advice only): agreed" in text
    assert "consensus not reached" in text
    out = StringIO()
    call_command("register", "outcomes", "--project", "ALPHA", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["outcomes"][0]["consensus"] == "no-customers"
    assert {a["counts"] for a in data["outcomes"][0]["answers"]} == {False}
