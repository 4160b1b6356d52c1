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
