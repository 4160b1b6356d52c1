"""The demo's CRM rollout: estimates whose P80 misses the sponsor's target, promises kept and one
broken, and a customer expectation the plan contradicts."""

import pytest

from rapport.demo.services import demo_load
from rapport.estimates import selectors
from rapport.estimates.report import run_report
from rapport.promises import selectors as promises
from rapport.promises.models import Commitment

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            ws = demo_load()
            yield ws
            transaction.set_rollback(True)


def test_the_p80_estimate_misses_the_sponsors_target(demo):
    run = selectors.run_latest(demo.project)
    report = run_report(demo.project, run, with_charts=False)
    assert run.result["target"]["finish_date"] == "2027-04-30"
    assert report.take["finish"]["missed"] and report.take["cost"]["missed"]
    assert run.result["constraint_probability"]["both"] < 0.2
    assert report.contingency.days > 0 and report.contingency.cost > 0


def test_the_estimate_has_a_history_with_reasons(demo):
    reasons = [v.reason for v in selectors.version_list(demo.project)]
    assert reasons[0] == "Vendor call: the ERP order API needs a new version first"
    assert reasons[-1] == "First three-point estimates from the fit-gap workshop"


def test_some_promises_are_kept_and_one_is_broken(demo):
    statuses = sorted(
        Commitment.objects.filter(project=demo.project).values_list("status", flat=True)
    )
    assert statuses.count("kept") == 3 and statuses.count("broken") == 1
    assert "renegotiated" in statuses


def test_the_plan_contradicts_the_sales_teams_date(demo):
    contradicted = [e for e in promises.expectations_with_findings(demo.project) if e.contradicted]
    assert [e.stakeholder.party.name for e in contradicted] == ["Sales team"]
