"""The organisation board a page at a time, filtered by state, evidence colour, watermelons and
manager, at the same number of queries however many projects the organisation has."""

import re
from datetime import date

import pytest
from django.db.models import OuterRef, Subquery

from rapport.accounts.models import User
from rapport.ops.generate import generate
from rapport.projects.models import Project, ProjectMembership
from rapport.status.models import EvidenceSnapshot
from rapport.status.views import BOARD_PAGE_SIZE

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


@pytest.fixture
def company(client):
    made = generate(org_slug="gen", projects=60, parties=120, cells=600, seed=11, today=TODAY)
    client.force_login(
        User.objects.get(email=made.owner_email),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    return client


def codes(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(
        r'<th scope="row"><a href="/o/gen/p/([A-Z0-9-]+)/status/">', response.content.decode()
    )


def latest(field):
    snapshots = EvidenceSnapshot.objects.filter(project=OuterRef("pk")).order_by("-taken_at", "-pk")
    return Subquery(snapshots.values(field)[:1])


def expected(**filters) -> list[str]:
    projects = Project.objects.filter(org__slug="gen").annotate(
        evidence=latest("evidence"), watermelon=latest("watermelon")
    )
    if "state" not in filters:
        projects = projects.exclude(state="cancelled")
    return list(projects.filter(**filters).order_by("code").values_list("code", flat=True))


def test_the_board_shows_one_page_of_projects_and_the_way_to_the_next(company):
    first = codes(company.get("/o/gen/board/"))
    assert first == expected()[:BOARD_PAGE_SIZE]
    page = company.get("/o/gen/board/").content.decode()
    assert "page=2" in page
    second = codes(company.get("/o/gen/board/?page=2"))
    assert second == expected()[BOARD_PAGE_SIZE : 2 * BOARD_PAGE_SIZE]


@pytest.mark.parametrize(
    "query, filters",
    [
        ("state=on_hold", {"state": "on_hold"}),
        ("state=cancelled", {"state": "cancelled"}),
        ("colour=red", {"evidence": "red"}),
        ("watermelon=on", {"watermelon": True}),
    ],
)
def test_the_board_filters_by_state_colour_and_watermelon(company, query, filters):
    want = expected(**filters)
    assert want, "the generated organisation has some of each"
    assert codes(company.get(f"/o/gen/board/?{query}")) == want[:BOARD_PAGE_SIZE]


def test_the_board_filters_by_manager_and_keeps_the_filter_on_the_next_page(company):
    membership = ProjectMembership.objects.filter(project__org__slug="gen", role="manager").first()
    manager = membership.user
    want = sorted(
        ProjectMembership.objects.filter(user=manager, role="manager")
        .exclude(project__state="cancelled")
        .values_list("project__code", flat=True)
    )
    page = company.get(f"/o/gen/board/?manager={manager.pk}")
    assert codes(page) == want[:BOARD_PAGE_SIZE]
    assert f'<option value="{manager.pk}" selected>' in page.content.decode()


def test_a_filter_nothing_matches_says_so(company):
    EvidenceSnapshot.objects.filter(project__org__slug="gen").update(watermelon=False)
    page = company.get("/o/gen/board/?watermelon=on").content.decode()
    assert "No project matches these filters." in page


def test_the_board_costs_the_same_queries_for_five_times_the_projects(
    company, django_assert_max_num_queries
):
    company.get("/o/gen/board/")
    with django_assert_max_num_queries(20) as few:
        company.get("/o/gen/board/?colour=red&page=2")
    small_count = len(few.captured_queries)  # read now: the next request clears the log
    big = generate(org_slug="big", projects=300, parties=200, cells=3000, seed=12, today=TODAY)
    company.force_login(
        User.objects.get(email=big.owner_email),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    company.get("/o/big/board/")
    with django_assert_max_num_queries(small_count):
        response = company.get("/o/big/board/?colour=red&page=2")
    assert response.status_code == 200 and "Page 2 of" in response.content.decode()


# --- the same board through the API -------------------------------------------------------------


def api_codes(client, query: str = "") -> tuple[int, list[str]]:
    response = client.get(f"/api/v1/orgs/gen/board{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    return body["count"], [row["project"] for row in body["items"]]


def test_the_board_api_pages_with_limit_and_offset(company):
    want = expected()
    count, first = api_codes(company, "?limit=10")
    assert count == len(want) and first == want[:10]
    assert api_codes(company, "?limit=10&offset=10")[1] == want[10:20]


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("state=active", {"state": "active"}),
        ("state=cancelled", {"state": "cancelled"}),
        ("colour=red", {"evidence": "red"}),
        ("watermelon=true", {"watermelon": True}),
    ],
)
def test_the_board_api_filters_as_the_page_does(company, query, filters):
    want = expected(**filters)
    assert want, "the generated organisation has projects of each kind"
    assert api_codes(company, f"?{query}&limit=100") == (len(want), want[:100])


def test_the_board_api_filters_by_manager(company):
    manager = (
        ProjectMembership.objects.filter(role="manager", project__org__slug="gen").first().user
    )
    managed = set(
        ProjectMembership.objects.filter(user=manager, role="manager").values_list(
            "project__code", flat=True
        )
    )
    count, rows = api_codes(company, f"?manager={manager.pk}&limit=100")
    assert set(rows) == {c for c in expected() if c in managed} and count == len(rows)


@pytest.mark.parametrize(
    ("query", "field"), [("state=paused-ish", "state"), ("colour=blue", "colour")]
)
def test_an_unknown_board_filter_is_a_422_naming_it(company, query, field):
    response = company.get(f"/api/v1/orgs/gen/board?{query}")
    assert response.status_code == 422 and field in response.content.decode()


def test_a_board_api_page_costs_the_same_queries_on_any_page(
    company, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        company.get("/api/v1/orgs/gen/board?limit=5")
    with django_assert_max_num_queries(len(first)):
        company.get("/api/v1/orgs/gen/board?limit=50&offset=5")
