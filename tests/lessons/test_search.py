"""The organisation-wide search: every word must be found (PostgreSQL's full-text search there,
a portable search on SQLite: the same tests pass on both), filters by category and tag, and only
the lessons of projects the person may see."""

import pytest

from rapport.lessons.selectors import lesson_search
from tests.lessons.factories import lesson_on


@pytest.fixture
def library(world, earlier):
    lesson_on(
        earlier,
        world.owner,
        title="Vendor contracts need exit clauses",
        what_happened="The hosting vendor raised prices mid-project.",
        recommendation="Negotiate an exit clause before signing.",
        category="vendor",
        tags="contracts, hosting",
    )
    lesson_on(
        world.alpha,
        world.manager,
        title="Weekly demo keeps the business lead",
        what_happened="Attendance fell when meetings were status only.",
        recommendation="Show working software every week.",
        category="communication",
        tags="meetings",
    )
    return earlier


def titles(lessons):
    return sorted(lesson.title for lesson in lessons)


def test_words_are_found_in_the_title_text_recommendation_and_tags(world, library):
    assert titles(lesson_search(world.owner, world.acme, "vendor")) == [
        "Vendor contracts need exit clauses"
    ]
    assert titles(lesson_search(world.owner, world.acme, "negotiate")) == [
        "Vendor contracts need exit clauses"
    ]
    assert titles(lesson_search(world.owner, world.acme, "hosting")) == [
        "Vendor contracts need exit clauses"
    ]
    assert titles(lesson_search(world.owner, world.acme, "Sponsor")) == [
        "Estimates need the sponsor's constraint"
    ]


def test_every_word_must_be_found(world, library):
    assert titles(lesson_search(world.owner, world.acme, "vendor prices")) == [
        "Vendor contracts need exit clauses"
    ]
    assert titles(lesson_search(world.owner, world.acme, "vendor meetings")) == []
    assert len(lesson_search(world.owner, world.acme, "")) == 3


def test_category_and_tag_filter_the_library(world, library):
    assert titles(lesson_search(world.owner, world.acme, category="communication")) == [
        "Weekly demo keeps the business lead"
    ]
    assert titles(lesson_search(world.owner, world.acme, tag="Hosting")) == [
        "Vendor contracts need exit clauses"
    ]
    assert titles(lesson_search(world.owner, world.acme, tag="host")) == []  # whole tags only


def test_a_member_without_a_role_finds_nothing_and_a_viewer_only_their_projects(world, library):
    assert list(lesson_search(world.member, world.acme, "vendor")) == []
    assert list(lesson_search(world.member, world.acme, "")) == []
    assert titles(lesson_search(world.viewer, world.acme, "")) == [
        "Weekly demo keeps the business lead"
    ]
    assert len(lesson_search(world.contributor, world.acme, "")) == 3  # viewer of the earlier one


def test_an_outsider_gets_404_and_a_member_sees_an_empty_library(world, library, client_for):
    assert client_for(world.outsider).get("/o/acme/lessons/", {"q": "vendor"}).status_code == 404
    page = client_for(world.member).get("/o/acme/lessons/", {"q": "vendor"}).content.decode()
    assert "No lesson matches" in page and "exit clauses" not in page


def test_the_library_page_searches_and_an_overlong_search_is_refused(world, library, client_for):
    client = client_for(world.contributor)
    found = client.get("/o/acme/lessons/", {"q": "exit clause"}).content.decode()
    assert "Vendor contracts need exit clauses" in found and "Weekly demo" not in found
    refused = client.get("/o/acme/lessons/", {"q": "x" * 201}).content.decode()
    assert "Ensure this value has at most 200 characters" in refused


def test_the_library_endpoint_searches_with_reuse_counts(world, library, client_for):
    client = client_for(world.contributor)
    body = client.get("/api/v1/orgs/acme/lessons", {"q": "vendor"}).json()
    assert body["count"] == 1 and body["items"][0]["reuse_count"] == 0
    assert body["items"][0]["tags"] == ["contracts", "hosting"]
    bad = client.get("/api/v1/orgs/acme/lessons", {"category": "astrology"})
    assert bad.status_code == 422 and "category" in str(bad.json()["fields"])
    assert client_for(world.outsider).get("/api/v1/orgs/acme/lessons").status_code == 404
