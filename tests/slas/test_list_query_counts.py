"""The SLA page and endpoints cost the same number of queries with a few thousand rows."""

from datetime import timedelta

from django.utils import timezone

from rapport.promises.models import Commitment
from rapport.slas.models import Breach

ROWS = 3000


def many(world, agreement, n):
    today = timezone.localdate()
    Breach.objects.bulk_create(
        Breach(
            obligation=agreement.by_kind["sign-off"],
            occurred_on=today - timedelta(days=i % 80),
            what=f"Late sign-off {i}",
            recorded_by=world.manager,
        )
        for i in range(n)
    )
    Commitment.objects.bulk_create(
        Commitment(
            project=world.alpha,
            what=f"Promise {i}",
            promised_date=today - timedelta(days=10 + i % 60),
            original_date=today - timedelta(days=10 + i % 60),
            made_on=today - timedelta(days=100),
        )
        for i in range(n)
    )


def test_the_sla_page_queries_stay_flat(
    world, agreement, client_for, django_assert_max_num_queries
):
    many(world, agreement, ROWS)
    client = client_for(world.viewer)
    client.get("/o/acme/p/ALPHA/relationship/slas/")
    with django_assert_max_num_queries(22):
        page = client.get("/o/acme/p/ALPHA/relationship/slas/")
    body = page.content.decode()
    assert f"By the business: {ROWS}" in body and f"By IT: {ROWS}" in body


def test_the_sla_endpoints_queries_stay_flat(
    world, agreement, client_for, django_assert_max_num_queries
):
    many(world, agreement, ROWS)
    client = client_for(world.viewer)
    with django_assert_max_num_queries(20):
        body = client.get(f"/api/v1/projects/{world.alpha.pk}/sla-breaches").json()
    assert (body["by_it"], body["by_business"]) == (ROWS, ROWS)
    with django_assert_max_num_queries(8):
        client.get(f"/api/v1/projects/{world.alpha.pk}/agreements")
