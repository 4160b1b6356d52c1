"""The directory, its endpoint and a project's experts page cost the same number of queries with
a few thousand rows."""

from rapport.experts.models import ActivityArea, Expert
from rapport.raci.models import Activity, Assignment
from rapport.stakeholders.models import Party

ROWS = 2000


def many_experts(world, catalogue, n=ROWS):
    sql, security = catalogue
    parties = Party.objects.bulk_create(
        Party(org=world.acme, name=f"Expert {i:05}") for i in range(n)
    )
    experts = Expert.objects.bulk_create(
        Expert(org=world.acme, party=p, notes="knows things", availability="available")
        for p in parties
    )
    Through = Expert.areas.through
    Through.objects.bulk_create(
        Through(expert_id=e.pk, expertise_id=(sql if i % 2 else security).pk)
        for i, e in enumerate(experts)
    )
    activities = Activity.objects.bulk_create(
        Activity(project=world.alpha, name=f"Activity {i}", position=i) for i in range(200)
    )
    Assignment.objects.bulk_create(
        Assignment(activity=activities[i % 200], party=p, letter="C") for i, p in enumerate(parties)
    )
    return activities


def test_the_directory_page_queries_stay_flat(
    world, catalogue, client_for, django_assert_max_num_queries
):
    many_experts(world, catalogue)
    client = client_for(world.viewer)
    client.get("/o/acme/experts/")
    with django_assert_max_num_queries(14):
        page = client.get("/o/acme/experts/", {"page": 20})
    assert page.status_code == 200 and b"in all" in page.content
    with django_assert_max_num_queries(14):
        page = client.get("/o/acme/experts/", {"q": "sql", "page": 3})
    assert b"Expert 0" in page.content


def test_the_directory_endpoint_queries_stay_flat(
    world, catalogue, client_for, django_assert_max_num_queries
):
    many_experts(world, catalogue)
    client = client_for(world.viewer)
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/orgs/acme/experts", {"limit": 100, "offset": 1000}).json()
    assert body["count"] == ROWS and len(body["items"]) == 100
    assert body["items"][0]["helped_projects"][0]["code"] == "ALPHA"


def test_the_project_experts_page_queries_stay_flat(
    world, catalogue, client_for, django_assert_max_num_queries
):
    activities = many_experts(world, catalogue)
    sql, security = catalogue
    ActivityArea.objects.bulk_create(
        ActivityArea(activity=a, area=sql if i % 2 else security) for i, a in enumerate(activities)
    )
    client = client_for(world.viewer)
    with django_assert_max_num_queries(20):
        page = client.get("/o/acme/p/ALPHA/relationship/experts/", {"page": 2})
    assert page.status_code == 200
    with django_assert_max_num_queries(12):
        client.get(f"/api/v1/projects/{world.alpha.pk}/expert-areas")
