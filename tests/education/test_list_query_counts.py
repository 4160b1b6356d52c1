"""The education page, the explanations endpoint and the understanding grid cost the same number
of queries with a few thousand rows."""

from datetime import date, timedelta

from rapport.education.models import Explanation, ExplanationAudience
from rapport.stakeholders.models import Party, ProjectStakeholder

ROWS = 3000


def many(world, topics, n=ROWS):
    parties = Party.objects.bulk_create(
        Party(org=world.acme, name=f"Person {i:05}") for i in range(300)
    )
    stakeholders = ProjectStakeholder.objects.bulk_create(
        ProjectStakeholder(project=world.alpha, party=p, is_customer=i % 3 == 0)
        for i, p in enumerate(parties)
    )
    topic_list = list(topics.values())
    explanations = Explanation.objects.bulk_create(
        Explanation(
            project=world.alpha,
            topic=topic_list[i % len(topic_list)],
            explained_on=date(2024, 1, 1) + timedelta(days=i % 700),
        )
        for i in range(n)
    )
    ExplanationAudience.objects.bulk_create(
        ExplanationAudience(
            explanation=e,
            stakeholder=stakeholders[i % len(stakeholders)],
            understanding=("not_yet", "partly", "understood")[i % 3],
        )
        for i, e in enumerate(explanations)
    )


def test_the_education_page_queries_stay_flat(
    world, topics, client_for, django_assert_max_num_queries
):
    many(world, topics)
    client = client_for(world.viewer)
    client.get("/o/acme/p/ALPHA/relationship/education/")
    with django_assert_max_num_queries(24):
        page = client.get("/o/acme/p/ALPHA/relationship/education/", {"page": 4})
    assert page.status_code == 200 and b"in all" in page.content


def test_the_explanations_endpoint_queries_stay_flat(
    world, topics, client_for, django_assert_max_num_queries
):
    many(world, topics)
    client = client_for(world.viewer)
    with django_assert_max_num_queries(10):
        body = client.get(
            f"/api/v1/projects/{world.alpha.pk}/explanations", {"limit": 100, "offset": 2000}
        ).json()
    assert body["count"] == ROWS and len(body["items"]) == 100


def test_the_understanding_endpoint_queries_stay_flat(
    world, topics, client_for, django_assert_max_num_queries
):
    many(world, topics)
    client = client_for(world.viewer)
    with django_assert_max_num_queries(10):
        body = client.get(
            f"/api/v1/projects/{world.alpha.pk}/understanding", {"limit": 50, "offset": 200}
        ).json()
    assert body["count"] == 300 and len(body["items"]) == 50
    assert len(body["items"][0]["topics"]) == len(topics)


def test_the_restate_suggestions_endpoint_queries_stay_flat(
    world, topics, client_for, django_assert_max_num_queries
):
    many(world, topics)
    client = client_for(world.viewer)
    with django_assert_max_num_queries(12):
        client.get(f"/api/v1/projects/{world.alpha.pk}/restate-suggestions")
