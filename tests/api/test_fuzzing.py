"""Every API operation, fuzzed from the published OpenAPI schema against a live server.

Schemathesis generates valid and invalid requests for each operation (a fixed seed, a bounded
number of cases) and checks that none answers 5xx, that every status code is declared in the
schema and that every response body matches its declared schema. New operations are fuzzed
automatically: the test reads the schema, not a list.
"""

import os
import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rapport.accounts import services as accounts
from rapport.demo.services import demo_load

pytestmark = pytest.mark.django_db(transaction=True)

# Cases per operation, valid and invalid requests alike. ~130 operations x 10 cases
# take one to three minutes on two cores; raise it locally with RAPPORT_FUZZ_CASES=100.
CASES_PER_OPERATION = int(os.environ.get("RAPPORT_FUZZ_CASES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Deletions last, so the other operations meet the seeded objects while they still exist.
METHOD_ORDER = {"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}


def _seeded_path_parameters(ws) -> dict:
    """Real ids from the demo workspace, so fuzzed requests reach the code behind the 404s."""
    from rapport.estimates.models import EstimateVersion
    from rapport.promises.models import Commitment, Expectation
    from rapport.raci.models import Activity, Phase, SipocProcess
    from rapport.stakeholders.models import (
        Category,
        Outcome,
        OutcomeConflict,
        Party,
        ProjectStakeholder,
        ValueCriterion,
    )
    from rapport.status.models import Risk, StatusUpdate

    project = ws.project

    def first_id(queryset):
        row = queryset.order_by("pk").first()
        return row.pk if row else 1

    outcomes = list(Outcome.objects.filter(project=project).order_by("pk")[:2])
    version = EstimateVersion.objects.filter(project=project).order_by("number").first()
    from rapport.comms.models import PlanRow

    return {
        "slug": ws.org.slug,
        "project_id": project.pk,
        "user_id": ws.users["analyst"].pk,
        "category_id": first_id(Category.objects.filter(org=ws.org)),
        "party_id": first_id(Party.objects.filter(org=ws.org)),
        "stakeholder_id": first_id(ProjectStakeholder.objects.filter(project=project)),
        "criterion_id": first_id(ValueCriterion.objects.filter(stakeholder__project=project)),
        "outcome_id": outcomes[0].pk if outcomes else 1,
        "other_outcome_id": outcomes[-1].pk if outcomes else 2,
        "conflict_id": first_id(OutcomeConflict.objects.filter(project=project)),
        "phase_id": first_id(Phase.objects.filter(project=project)),
        "activity_id": first_id(Activity.objects.filter(project=project)),
        "process_id": first_id(SipocProcess.objects.filter(project=project)),
        "commitment_id": first_id(Commitment.objects.filter(project=project)),
        "expectation_id": first_id(Expectation.objects.filter(project=project)),
        "version_number": version.number if version else 1,
        "risk_id": first_id(Risk.objects.filter(project=project)),
        "status_update_id": first_id(StatusUpdate.objects.filter(project=project)),
        "plan_row_id": first_id(PlanRow.objects.filter(project=project)),
    }


def _strategy(operation, seeded: dict):
    """Valid and invalid cases, half of them aimed at real objects of the demo project."""
    names = {p.name for p in operation.path_parameters}
    fixed = {name: value for name, value in seeded.items() if name in names}
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=fixed))
        strategies.append(operation.as_strategy(generation_mode=mode))
    return st.one_of(strategies)


def _fuzz(operation, strategy, send, figures) -> str | None:
    """Run the bounded cases of one operation; its first failure in words, or None."""

    @settings(
        max_examples=CASES_PER_OPERATION,
        derandomize=True,  # a fixed seed: the same cases on every run
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the run stays bounded
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def fuzz(case):
        figures["cases"] += 1
        response = send(case)
        if response.status_code >= 500:
            figures["5xx"] += 1
        case.validate_response(response, checks=CHECKS)

    try:
        fuzz()
    except (Exception, BaseExceptionGroup) as finding:  # schemathesis: a group of findings
        return f"{operation.label}: {finding}"[:3000]
    return None


def test_no_api_operation_answers_5xx_or_breaks_its_schema_under_fuzzing(live_server):
    from rapport.api.api import api

    ws = demo_load()
    _, token = accounts.api_token_create(actor=ws.users["pm"], name="fuzzing")
    seeded = _seeded_path_parameters(ws)
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: (METHOD_ORDER.get(op.method.lower(), 9), op.path),
    )
    figures = {"operations": len(operations), "cases": 0, "5xx": 0}
    started = time.monotonic()
    # Closed at the end: a keep-alive connection left open keeps its server thread and that
    # thread's database connection, and PostgreSQL then refuses to drop the test database.
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"

        def send(case):
            return case.call(base_url=live_server.url, session=session, timeout=60)

        failures = [
            finding
            for operation in operations
            if (finding := _fuzz(operation, _strategy(operation, seeded), send, figures))
        ]

    print(
        f"\nFuzzed {figures['operations']} operations with {figures['cases']} cases in "
        f"{time.monotonic() - started:.0f} s: {figures['5xx']} server errors, "
        f"{len(failures)} operations with findings."
    )
    assert figures["operations"] >= 100
    assert not failures, "\n\n".join(failures)
    assert figures["5xx"] == 0
