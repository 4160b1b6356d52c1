"""List pages and list endpoints cost the same number of queries for 3 stakeholders or 60."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.stakeholders import services
from rapport.stakeholders.models import Category

pytestmark = pytest.mark.django_db


def grow(world, start, count):
    union, sponsor = (
        Category.objects.get(org=world.acme, name="Union"),
        Category.objects.get(org=world.acme, name="Sponsor"),
    )
    goal = world.alpha.goals.first()
    boss = services.party_create(actor=world.manager, org=world.acme, name=f"Boss {start}")
    outcome = services.outcome_create(
        actor=world.manager, project=world.alpha, title=f"Outcome {start}"
    )
    for i in range(start, start + count):
        s = services.stakeholder_add(
            actor=world.manager,
            project=world.alpha,
            new_party={"name": f"Person {i}", "categories": [union, sponsor], "reports_to": boss},
            roles=["end_user"],
            is_customer=True,
            power=1 + i % 5,
            interest=1 + i % 3,
            engagement_now="neutral",
            engagement_needed="leading",
        )
        services.criterion_create(
            actor=world.manager, stakeholder=s, text=f"Value {i}", goals=[goal]
        )
        services.position_set(
            actor=world.manager, outcome=outcome, stakeholder=s, status="objected", reason="No"
        )
        services.measurement_add(
            actor=world.manager, outcome=outcome, measured_on=outcome.created_at.date(), value=i
        )
    services.conflict_create(
        actor=world.manager,
        project=world.alpha,
        first=outcome,
        second=services.outcome_create(
            actor=world.manager, project=world.alpha, title=f"Other {start}"
        ),
    )


PAGES = [
    "/o/acme/register/",
    "/o/acme/register/categories/",
    "/o/acme/p/ALPHA/customers/",
    "/o/acme/p/ALPHA/customers/value/",
    "/o/acme/p/ALPHA/customers/outcomes/",
    "/o/acme/p/ALPHA/customers/pictures/",
]
ENDPOINTS = [
    "/api/v1/orgs/acme/parties",
    "/api/v1/orgs/acme/categories",
    "/api/v1/projects/{p}/stakeholders",
    "/api/v1/projects/{p}/value-criteria",
    "/api/v1/projects/{p}/outcomes",
    "/api/v1/projects/{p}/outcome-conflicts",
    "/api/v1/projects/{p}/customer-findings",
    "/api/v1/projects/{p}/stakeholder-pictures",
]


def test_the_query_count_stays_constant_as_the_register_grows(
    world, client_for, django_assert_max_num_queries
):
    urls = [url.format(p=world.alpha.pk) for url in PAGES + ENDPOINTS]
    client = client_for(world.owner)
    grow(world, 0, 3)
    few = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        few[url] = len(captured.captured_queries)
    grow(world, 100, 60)
    for url in urls:
        with django_assert_max_num_queries(few[url]):
            response = client.get(url)
        assert response.status_code == 200, url


def bulk_grow(world, count):
    """Thousands of rows at once (bulk inserts: the services would take minutes)."""
    from rapport.stakeholders.models import (
        OutcomePosition,
        Party,
        ProjectStakeholder,
        ValueCriterion,
    )

    union = Category.objects.get(org=world.acme, name="Union")
    goal = world.alpha.goals.first()
    outcome = world.alpha.outcomes.first()
    parties = Party.objects.bulk_create(
        Party(org=world.acme, name=f"Bulk {i}", organisation="Bulk Ltd") for i in range(count)
    )
    Party.categories.through.objects.bulk_create(
        Party.categories.through(party_id=p.pk, category_id=union.pk) for p in parties
    )
    stakeholders = ProjectStakeholder.objects.bulk_create(
        ProjectStakeholder(
            project=world.alpha,
            party=p,
            roles=["end_user"],
            is_customer=i % 2 == 0,
            power=1 + i % 5,
            interest=1 + i % 4,
            engagement_now="unaware",
            engagement_needed="supportive",
            nervous=i % 50 == 0,
        )
        for i, p in enumerate(parties)
    )
    criteria = ValueCriterion.objects.bulk_create(
        ValueCriterion(stakeholder=s, text=f"Value of {s.pk}", weight=2) for s in stakeholders
    )
    ValueCriterion.goals.through.objects.bulk_create(
        ValueCriterion.goals.through(valuecriterion_id=c.pk, goal_id=goal.pk) for c in criteria
    )
    OutcomePosition.objects.bulk_create(
        OutcomePosition(outcome=outcome, stakeholder=s, status="pending") for s in stakeholders
    )


EXPORTS = [
    "/o/acme/register/export/?format=csv",
    "/o/acme/p/ALPHA/customers/export/?format=xlsx",
    "/api/v1/projects/{p}/register-export?format=csv",
]


def test_list_pages_endpoints_and_exports_keep_their_query_count_with_thousands(
    world, client_for, django_assert_max_num_queries
):
    urls = [url.format(p=world.alpha.pk) for url in PAGES + ENDPOINTS + EXPORTS]
    client = client_for(world.owner)
    grow(world, 0, 3)
    few = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        few[url] = len(captured.captured_queries)
    bulk_grow(world, 2000)
    for url in urls:
        with django_assert_max_num_queries(few[url]):
            response = client.get(url)
        assert response.status_code == 200, url
    assert b"2003" in client.get(f"/api/v1/projects/{world.alpha.pk}/stakeholders").content
