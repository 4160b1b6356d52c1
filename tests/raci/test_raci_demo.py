"""The demo's plan, RACI and SIPOC: realistic, with a few honest findings left for the PM.

One test, because loading the demo takes seconds: it checks the whole story at once."""

import pytest
from django.contrib.auth import get_user_model

from rapport.demo.services import demo_load
from rapport.raci import selectors

pytestmark = pytest.mark.django_db


def test_the_crm_rollout_has_a_plan_a_raci_with_honest_warnings_and_a_sipoc(db, client_for):
    crm = demo_load().project

    assert list(crm.phases.values_list("name", flat=True)) == [
        "Discovery",
        "Build and integrate",
        "Pilot",
        "Rollout",
    ]
    assert set(crm.activities.values_list("kind", flat=True)) == {
        "task",
        "milestone",
        "decision",
        "deliverable",
    }
    hosting = crm.activities.get(name="Hosting decision")
    assert hosting.planned_finish > hosting.baseline_finish  # the slip stays visible

    found = {
        (f.code, f.activity_name or f.party_name)
        for f in selectors.raci_findings(selectors.matrix_get(crm))
    }
    assert found == {
        ("accountable-is-group", "Pilot with five sales reps"),
        ("no-responsible", "Retire the legacy contact database"),
        ("customer-not-in-raci", "Key account customers"),
        ("key-customer-not-informed", "Lars Becker"),
        # The demo keeps a new project's thresholds: 30% of the open work on one person.
        ("overloaded", "Priya Shah"),
        ("overloaded", "Mei Tanaka"),
        ("overloaded", "Ben Okafor"),
        ("signed-off-without-input", "Choose the CRM vendor"),
    }

    view = selectors.sipoc_get(crm.sipocs.get())
    assert len(view.steps) == 5
    assert [(f.code, f.subject_name) for f in view.findings] == [
        ("output-without-customer", "Weekly activity report per rep"),
        ("customer-without-outcome", "Customer support"),
    ]

    pm = get_user_model().objects.get(email="priya@northwind.example")
    page = client_for(pm).get("/o/demo/p/CRM/raci/").content.decode()
    assert "Go-live" in page and "0 errors" in page
