"""The interactions page and endpoint cost the same number of queries with a few thousand rows."""

from datetime import date, timedelta

from rapport.relations.models import Interaction

ROWS = 3000


def many(world, people, n):
    kim, pat = people
    Interaction.objects.bulk_create(
        Interaction(
            project=world.alpha,
            stakeholder=kim if i % 2 else pat,
            kind="call",
            date=date(2020, 1, 1) + timedelta(days=i % 2000),
            team_member=world.manager,
            subject=f"Call {i}",
            follow_up="Write back" if i % 3 == 0 else "",
            follow_up_due=date(2027, 1, 1) if i % 3 == 0 else None,
        )
        for i in range(n)
    )


def test_the_list_page_queries_stay_flat(world, people, client_for, django_assert_max_num_queries):
    many(world, people, ROWS)
    client = client_for(world.viewer)
    client.get("/o/acme/p/ALPHA/customers/interactions/")  # sessions and caches warmed
    with django_assert_max_num_queries(16):
        page = client.get("/o/acme/p/ALPHA/customers/interactions/", {"page": 40})
    assert page.status_code == 200 and b"in all" in page.content
    with django_assert_max_num_queries(16):
        client.get("/o/acme/p/ALPHA/customers/interactions/", {"stakeholder": people[0].pk})


def test_the_list_endpoint_queries_stay_flat(
    world, people, client_for, django_assert_max_num_queries
):
    many(world, people, ROWS)
    client = client_for(world.viewer)
    url = f"/api/v1/projects/{world.alpha.pk}/interactions"
    with django_assert_max_num_queries(8):
        body = client.get(url, {"limit": 100, "offset": 2000}).json()
    assert body["count"] == ROWS and len(body["items"]) == 100


def test_the_stakeholder_page_with_many_interactions_stays_flat(
    world, people, client_for, django_assert_max_num_queries
):
    many(world, people, ROWS)
    client = client_for(world.viewer)
    with django_assert_max_num_queries(30):
        page = client.get(f"/o/acme/p/ALPHA/customers/{people[0].pk}/")
    assert b"Last contact" in page.content
