"""Reuse: a project applies a lesson learned on another project; the lesson's reuse count grows
once per project, however often it is applied, and the library shows it and what nobody used."""

import pytest
from django.core.exceptions import ValidationError

from rapport.lessons import services
from rapport.lessons.models import LessonApplication
from rapport.lessons.selectors import lesson_search
from tests.lessons.factories import lesson_on

LIST = "/o/acme/p/ALPHA/relationship/lessons/"


def test_applying_a_lesson_of_another_project_counts_once_and_says_so_on_repeat(
    world, earlier, client_for
):
    lesson = earlier.estimate_lesson
    client = client_for(world.contributor)
    first = client.post(
        f"{LIST}apply/{lesson.pk}/", {"note": "Ranges in the kick-off"}, follow=True
    )
    assert "Applied “Estimates need the sponsor&#x27;s constraint” to ALPHA." in (
        first.content.decode()
    )
    again = client.post(f"{LIST}apply/{lesson.pk}/", follow=True).content.decode()
    assert "ALPHA already applied" in again and "nothing changed" in again
    application = LessonApplication.objects.get()
    assert (
        application.note == "Ranges in the kick-off" and application.applied_by == world.contributor
    )
    [found] = lesson_search(world.owner, world.acme, "sponsor")
    assert found.reuse_count == 1
    assert "✓ Applied on ALPHA" in client.get(LIST, {"q": "sponsor"}).content.decode()


def test_the_service_is_idempotent_and_refuses_a_lesson_of_the_same_project(world, earlier):
    applied = services.lesson_apply(
        actor=world.manager, lesson=earlier.estimate_lesson, project=world.alpha
    )
    repeat = services.lesson_apply(
        actor=world.manager, lesson=earlier.estimate_lesson, project=world.alpha
    )
    assert applied.created and not repeat.created
    assert repeat.application.pk == applied.application.pk
    own = lesson_on(world.alpha, world.manager, title="Our own")
    with pytest.raises(ValidationError, match="learned on this project"):
        services.lesson_apply(actor=world.manager, lesson=own, project=world.alpha)
    with pytest.raises(ValidationError, match="another organisation"):
        services.lesson_apply(actor=world.outsider, lesson=own, project=world.omega)
    assert LessonApplication.objects.count() == 1


def test_a_lesson_of_a_project_you_cannot_see_cannot_be_applied(world, earlier, client_for):
    hidden = lesson_on(earlier, world.owner, title="Only for the earlier team")
    earlier.memberships.filter(user=world.contributor).delete()
    answer = client_for(world.contributor).post(f"{LIST}apply/{hidden.pk}/")
    assert answer.status_code == 404
    assert not LessonApplication.objects.exists()


def test_a_viewer_may_not_apply_and_an_application_can_be_taken_back(world, earlier, client_for):
    lesson = earlier.estimate_lesson
    assert client_for(world.viewer).post(f"{LIST}apply/{lesson.pk}/").status_code == 403
    services.lesson_apply(actor=world.manager, lesson=lesson, project=world.alpha)
    client_for(world.contributor).post(f"{LIST}apply/{lesson.pk}/undo/")
    assert not LessonApplication.objects.exists()


def test_the_library_shows_reuse_counts_and_the_lessons_nobody_used_yet(world, earlier, client_for):
    unused = lesson_on(earlier, world.owner, title="Vendors answer slowly", category="vendor")
    services.lesson_apply(actor=world.manager, lesson=earlier.estimate_lesson, project=world.alpha)
    page = client_for(world.owner).get("/o/acme/lessons/").content.decode()
    assert "reused by 1 project" in page
    unused_section = page.split('id="unused-title"')[1].split('id="all-title"')[0]
    assert unused.title in unused_section and "Estimates need" not in unused_section
    only_unused = client_for(world.owner).get("/o/acme/lessons/", {"not_reused": "on"})
    assert "Estimates need" not in only_unused.content.decode()


def test_the_detail_page_lists_where_the_lesson_was_applied(world, earlier, client_for):
    services.lesson_apply(
        actor=world.manager, lesson=earlier.estimate_lesson, project=world.alpha, note="Kick-off"
    )
    page = client_for(world.owner).get(
        f"/o/acme/p/{earlier.code}/relationship/lessons/{earlier.estimate_lesson.pk}/"
    )
    assert "Alpha rollout" in page.content.decode() and "Kick-off" in page.content.decode()
