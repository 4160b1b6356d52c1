"""Outcomes per customer group: measurable targets, consensus, conflicts, measurements."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.stakeholders import selectors, services
from rapport.stakeholders.models import Outcome, OutcomeConflict, OutcomePosition

pytestmark = pytest.mark.django_db


def test_an_outcome_starts_pending_for_every_customer_concerned(world, sample):
    outcome = Outcome.objects.get(pk=sample["outcome_id"])
    assert set(outcome.positions.values_list("status", flat=True)) == {"pending"}
    assert (
        selectors.annotate_outcome(selectors.outcome_get(world.alpha, outcome.pk)).consensus
        == "pending"
    )


def test_an_objection_needs_a_reason(world, sample):
    outcome = Outcome.objects.get(pk=sample["outcome_id"])
    customer = world.alpha.stakeholders.get(pk=sample["stakeholder_id"])
    with pytest.raises(ValidationError, match="why they object"):
        services.position_set(
            actor=world.manager, outcome=outcome, stakeholder=customer, status="objected"
        )
    services.position_set(
        actor=world.manager,
        outcome=outcome,
        stakeholder=customer,
        status="objected",
        reason="Too costly",
    )
    assert (
        selectors.annotate_outcome(selectors.outcome_get(world.alpha, outcome.pk)).consensus
        == "objected"
    )


def test_consensus_is_reached_when_everyone_agrees_and_conflicts_are_settled(world, sample):
    customer = world.alpha.stakeholders.get(pk=sample["stakeholder_id"])
    for outcome in world.alpha.outcomes.all():
        # Only customers' answers count: every outcome needs a customer concerned.
        services.outcome_update(
            actor=world.manager,
            outcome=outcome,
            stakeholders=[customer, *(p.stakeholder for p in outcome.positions.all())],
        )
    for outcome in world.alpha.outcomes.all():
        for position in outcome.positions.select_related("stakeholder"):
            services.position_set(
                actor=world.manager,
                outcome=outcome,
                stakeholder=position.stakeholder,
                status="agreed",
            )
    summary = selectors.consensus(world.alpha)["summary"]
    assert (
        summary["agreed"] == summary["outcomes"]
        and summary["open_conflicts"] == 1
        and not summary["reached"]
    )
    conflict = OutcomeConflict.objects.get(pk=sample["conflict_id"])
    services.conflict_resolve(
        actor=world.manager, conflict=conflict, resolution="Phase the investment"
    )
    assert selectors.consensus(world.alpha)["summary"]["reached"]


def test_a_contributor_records_answers_in_place_with_htmx(world, client_for, sample):
    client = client_for(world.contributor)
    url = f"/o/acme/p/ALPHA/customers/outcomes/{sample['outcome_id']}/position/"
    response = client.post(
        url,
        {"stakeholder": sample["stakeholder_id"], "status": "objected", "reason": ""},
        HTTP_HX_REQUEST="true",
    )
    row = response.content.decode()
    assert response.status_code == 200 and row.startswith("<tr") and "Say why they object" in row
    response = client.post(
        url,
        {"stakeholder": sample["stakeholder_id"], "status": "agreed", "reason": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "Saved" in response.content.decode()
    assert (
        OutcomePosition.objects.get(
            outcome_id=sample["outcome_id"], stakeholder_id=sample["stakeholder_id"]
        ).status
        == "agreed"
    )


def test_answers_work_without_javascript_too(world, client_for, sample):
    client = client_for(world.contributor)
    url = f"/o/acme/p/ALPHA/customers/outcomes/{sample['outcome_id']}/position/"
    response = client.post(
        url, {"stakeholder": sample["stakeholder_id"], "status": "objected", "reason": "Too costly"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#consensus")
    page = client.get(
        f"/o/acme/p/ALPHA/customers/outcomes/{sample['outcome_id']}/"
    ).content.decode()
    assert "Too costly" in page


def test_a_contributor_creates_an_outcome_with_a_measurable_target(world, client_for, sample):
    client = client_for(world.contributor)
    response = client.post(
        "/o/acme/p/ALPHA/customers/outcomes/new/",
        {
            "title": "Fewer support calls",
            "metric": "Calls a week",
            "unit": "calls",
            "baseline": "120",
            "target": "80",
            "due_date": "2027-06-30",
            "is_csf": "on",
            "stakeholders": [sample["stakeholder_id"]],
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(title="Fewer support calls")
    assert outcome.is_csf and outcome.target == Decimal("80") and outcome.positions.count() == 1


def test_a_target_without_a_metric_is_refused_inline(world, client_for):
    response = client_for(world.contributor).post(
        "/o/acme/p/ALPHA/customers/outcomes/new/", {"title": "Better", "target": "5"}
    )
    assert response.status_code == 200 and "Say what is measured" in response.content.decode()


def test_measurements_build_the_history_and_the_progress(world, client_for, sample):
    client = client_for(world.contributor)
    url = f"/o/acme/p/ALPHA/customers/outcomes/{sample['outcome_id']}/"
    client.post(url + "measurements/", {"measured_on": "2025-01-01", "value": "3"})
    outcome = selectors.annotate_outcome(selectors.outcome_get(world.alpha, sample["outcome_id"]))
    assert outcome.latest.value == 3 and outcome.progress == 50
    response = client.post(
        url + "measurements/", {"measured_on": "2999-01-01", "value": "4"}, follow=True
    )
    assert "cannot be in the future" in response.content.decode()


def test_outcomes_are_marked_conflicting_once_and_settled_on_the_page(world, client_for, sample):
    client = client_for(world.contributor)
    more = Outcome.objects.get(pk=sample["outcome_id"])
    other = Outcome.objects.get(pk=sample["other_outcome_id"])
    client.post(
        f"/o/acme/p/ALPHA/customers/outcomes/{other.pk}/conflicts/",
        {"other": more.pk, "description": "Same budget"},
    )
    assert OutcomeConflict.objects.filter(project=world.alpha).count() == 2
    with pytest.raises(ValidationError, match="already"):
        services.conflict_create(actor=world.manager, project=world.alpha, first=more, second=other)
    with pytest.raises(ValidationError, match="itself"):
        services.conflict_create(actor=world.manager, project=world.alpha, first=more, second=more)
    page = client.get("/o/acme/p/ALPHA/customers/outcomes/").content.decode()
    assert "open conflicts" in page and "Same budget" in page
    client.post(
        f"/o/acme/p/ALPHA/customers/conflicts/{sample['conflict_id']}/resolve/",
        {"resolution": "Phase it"},
    )
    assert not OutcomeConflict.objects.get(pk=sample["conflict_id"]).is_open


def test_outcome_findings_show_on_the_customers_page(world, client_for, sample):
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/customers/").content.decode()
    assert "conflicts with" in page and "waits for" in page


def test_an_overdue_target_that_is_not_met_is_a_finding(world, sample):
    outcome = Outcome.objects.get(pk=sample["outcome_id"])
    found = selectors.consensus(world.alpha, today=date(2031, 1, 1))["findings"]
    assert any(f.code == "outcome-overdue" and f.subject_id == outcome.pk for f in found)


def test_deleting_an_outcome_removes_its_conflicts_and_answers(world, client_for, sample):
    client_for(world.contributor).post(
        f"/o/acme/p/ALPHA/customers/outcomes/{sample['outcome_id']}/delete/"
    )
    assert not OutcomeConflict.objects.exists()
    assert not OutcomePosition.objects.filter(outcome_id=sample["outcome_id"]).exists()
