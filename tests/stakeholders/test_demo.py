"""The CRM demo tells the customers' story: the register, value, conflicts and one prompt."""

import pytest

from rapport.demo.services import demo_load
from rapport.stakeholders import selectors

pytestmark = pytest.mark.django_db


def test_the_crm_demo_has_a_full_register_with_the_story_in_it(db):
    ws = demo_load()
    project = ws.project
    stakeholders = list(selectors.stakeholder_list(project))
    relationships = {s.party.relationship for s in stakeholders if s.is_customer}
    assert relationships == {"internal", "external"}
    sponsor = next(s for s in stakeholders if "sponsor" in s.roles)
    assert sponsor.party.name == "Sofia Reyes" and not sponsor.is_customer
    assert any(s.nervous for s in stakeholders)
    found = selectors.project_findings(project)
    codes = {f.code for f in found["findings"]}
    assert {
        "nervous-stakeholder",
        "outcome-conflict",
        "outcome-objected",
        "criterion-aligned-to-no-goal",
        "customer-without-value-criteria",
    } <= codes
    assert [p.name for p in found["prompts"]["prompts"]] == ["Government/regulator"]
    assert (
        found["prompts"]["message"]
        == "No government/regulator stakeholder recorded — none affected?"
    )
    conflicts = selectors.consensus(project)["open_conflicts"]
    assert {conflicts[0].first.title, conflicts[0].second.title} == {
        "CRM runs on new, redundant infrastructure",
        "Run cost of sales systems down 20%",
    }
