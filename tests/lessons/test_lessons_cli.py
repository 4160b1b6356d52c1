"""`rapport lessons search TEXT [--org SLUG] [--json] [--as EMAIL]`: the lessons of the
organisation's projects that person may see, as JSON for scripts."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rapport.lessons import services


def search(*args) -> str:
    out = StringIO()
    call_command("lessons", "search", *args, stdout=out)
    return out.getvalue()


def test_the_json_lists_matching_lessons_with_project_tags_and_reuse_count(world, earlier):
    services.lesson_apply(actor=world.manager, lesson=earlier.estimate_lesson, project=world.alpha)
    rows = json.loads(search("sponsor", "--org", "acme", "--json", "--as", world.contributor.email))
    assert rows == [
        {
            "id": earlier.estimate_lesson.pk,
            "title": "Estimates need the sponsor's constraint",
            "project": earlier.code,
            "category": "estimating",
            "impact": "high",
            "tags": ["estimates", "sponsor"],
            "captured_on": "2026-10-05",
            "reuse_count": 1,
            "recommendation": earlier.estimate_lesson.recommendation,
        }
    ]
    assert "reused 1×" in search("sponsor", "--as", world.contributor.email)


def test_someone_without_access_to_the_project_finds_nothing(world, earlier):
    assert json.loads(search("sponsor", "--json", "--as", world.member.email)) == []
    assert json.loads(search("sponsor", "--json", "--as", world.viewer.email)) == []


def test_the_only_owner_of_the_organisation_is_the_default(world, earlier):
    assert len(json.loads(search("sponsor", "--org", "acme", "--json"))) == 1


def test_unknown_organisations_and_people_are_refused_clearly(world, earlier):
    with pytest.raises(CommandError, match="No organisation with the slug nowhere"):
        search("x", "--org", "nowhere", "--as", world.owner.email)
    with pytest.raises(CommandError, match="No organisation with the slug globex"):
        search("x", "--org", "globex", "--as", world.owner.email)
    with pytest.raises(CommandError, match="No active user"):
        search("x", "--org", "acme", "--as", "nobody@example.com")
