"""The library, the project's lessons page and their endpoints cost the same number of queries
with a few thousand lessons."""

from datetime import date, timedelta

from rapport.lessons.models import Lesson, LessonApplication

ROWS = 3000
CATEGORIES = ["estimating", "vendor", "communication", "process"]


def many(world, earlier, n=ROWS):
    Lesson.objects.bulk_create(
        Lesson(
            org=world.acme,
            project=world.alpha if i % 2 else earlier,
            title=f"Lesson {i} about the vendor",
            what_happened="Something happened",
            recommendation="Do it differently",
            category=CATEGORIES[i % 4],
            tags="vendor, contracts" if i % 3 else "estimates",
            captured_on=date(2020, 1, 1) + timedelta(days=i % 2000),
        )
        for i in range(n)
    )
    lessons = list(Lesson.objects.filter(project=earlier)[:500])
    LessonApplication.objects.bulk_create(
        LessonApplication(lesson=lesson, project=world.alpha, applied_on=date(2026, 1, 1))
        for lesson in lessons
    )


def test_the_library_page_queries_stay_flat(
    world, earlier, client_for, django_assert_max_num_queries
):
    many(world, earlier)
    client = client_for(world.contributor)
    client.get("/o/acme/lessons/")  # sessions and caches warmed
    with django_assert_max_num_queries(14):
        page = client.get("/o/acme/lessons/", {"page": 30})
    assert page.status_code == 200 and b"in all" in page.content and b"reused" in page.content
    with django_assert_max_num_queries(14):
        client.get("/o/acme/lessons/", {"q": "vendor", "tag": "contracts", "page": 5})


def test_the_project_lessons_page_queries_stay_flat(
    world, earlier, client_for, django_assert_max_num_queries
):
    many(world, earlier)
    client = client_for(world.contributor)
    url = "/o/acme/p/ALPHA/relationship/lessons/"
    client.get(url)
    with django_assert_max_num_queries(24):
        page = client.get(url, {"page": 20, "q": "vendor"})
    assert page.status_code == 200 and b"in all" in page.content


def test_the_list_endpoints_queries_stay_flat(
    world, earlier, client_for, django_assert_max_num_queries
):
    many(world, earlier)
    client = client_for(world.contributor)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/orgs/acme/lessons", {"limit": 100, "offset": 1000}).json()
    assert body["count"] == ROWS + 1 and len(body["items"]) == 100  # and the earlier one
    with django_assert_max_num_queries(8):
        body = client.get(
            f"/api/v1/projects/{world.alpha.pk}/lessons", {"limit": 100, "offset": 1000}
        ).json()
    assert body["count"] == ROWS // 2
    with django_assert_max_num_queries(8):
        body = client.get(
            f"/api/v1/projects/{world.alpha.pk}/applied-lessons", {"limit": 100}
        ).json()
    assert body["count"] == 500
    with django_assert_max_num_queries(10):
        client.get(f"/api/v1/projects/{world.alpha.pk}/relevant-lessons")


def test_the_project_overview_costs_one_query_more_once_work_is_planned(
    world, client_for, django_assert_max_num_queries
):
    from rapport.raci import services as raci

    raci.activity_create(actor=world.manager, project=world.alpha, name="Kick-off")
    client = client_for(world.manager)
    client.get("/o/acme/p/ALPHA/")
    with django_assert_max_num_queries(40):
        assert client.get("/o/acme/p/ALPHA/").status_code == 200
