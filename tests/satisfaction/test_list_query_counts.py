"""The satisfaction page and endpoints cost the same number of queries with a few thousand rows."""

from datetime import timedelta

from django.utils import timezone

from rapport.satisfaction.models import Pulse

ROWS = 3000


def many(world, people, n):
    kim, pat = people
    start = timezone.now() - timedelta(days=400)
    Pulse.objects.bulk_create(
        Pulse(
            project=world.alpha,
            stakeholder=kim if i % 2 else pat,
            score=1 + i % 5,
            comment=f"Pulse {i}",
            given_at=start + timedelta(hours=3 * i),
            source="recorded",
            recorded_by=world.manager,
        )
        for i in range(n)
    )


def test_the_project_page_queries_stay_flat(
    world, people, client_for, django_assert_max_num_queries
):
    many(world, people, ROWS)
    client = client_for(world.viewer)
    url = "/o/acme/p/ALPHA/relationship/satisfaction/"
    client.get(url)  # sessions and caches warmed
    with django_assert_max_num_queries(18):
        page = client.get(url, {"page": 40})
    assert page.status_code == 200 and b"in all" in page.content
    with django_assert_max_num_queries(18):
        client.get(url, {"stakeholder": people[0].pk})


def test_the_list_and_trend_endpoints_queries_stay_flat(
    world, people, client_for, django_assert_max_num_queries
):
    many(world, people, ROWS)
    client = client_for(world.viewer)
    with django_assert_max_num_queries(8):
        body = client.get(
            f"/api/v1/projects/{world.alpha.pk}/pulses", {"limit": 100, "offset": 2000}
        ).json()
    assert body["count"] == ROWS and len(body["items"]) == 100
    with django_assert_max_num_queries(10):
        body = client.get(f"/api/v1/projects/{world.alpha.pk}/satisfaction").json()
    assert sum(s["pulses"] for s in body["stakeholders"]) == ROWS
