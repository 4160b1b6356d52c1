"""Capturing, changing and deleting a project's lessons, with who contributed (business or IT)
and the follow-ups an executive owns: on the pages and through the services, in the history,
and refused with a clear error, changing nothing, when they do not fit."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from rapport.lessons import services
from rapport.lessons.models import Lesson, LessonContributor, LessonFollowUp
from rapport.raci import services as raci
from rapport.stakeholders import services as stakeholders
from tests.lessons.factories import lesson_on

LIST = "/o/acme/p/ALPHA/relationship/lessons/"


def test_a_contributor_captures_a_lesson_on_the_page_while_the_project_runs(world, client_for):
    design = raci.phase_create(actor=world.manager, project=world.alpha, name="Design")
    client = client_for(world.contributor)
    assert client.get(LIST + "new/").status_code == 200
    answer = client.post(
        LIST + "new/",
        {
            "title": "Ask the business lead before the estimate",
            "what_happened": "The sponsor's date came after our estimate.",
            "recommendation": "Ask for the constraint first.",
            "category": "estimating",
            "impact": "high",
            "tags": "Estimates, Sponsor",
            "captured_on": "2026-11-20",
            "phases": [design.pk],
        },
    )
    lesson = Lesson.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/lessons/{lesson.pk}/")
    assert lesson.org == world.acme and lesson.captured_by == world.contributor
    assert lesson.tags == "estimates, sponsor" and list(lesson.phases.all()) == [design]
    listed = client.get(LIST).content.decode()
    assert "Ask the business lead before the estimate" in listed and "not yet reused" in listed
    detail = client.get(answer["Location"]).content.decode()
    assert "Design" in detail and "High impact" in detail
    created = LogEntry.objects.get_for_object(lesson).get(action=LogEntry.Action.CREATE)
    assert created.actor == world.contributor


def test_a_lesson_without_a_title_or_with_an_unknown_category_is_refused(world, client_for):
    answer = client_for(world.contributor).post(
        LIST + "new/",
        {"title": "", "what_happened": "x", "recommendation": "y", "category": "astrology"},
    )
    page = answer.content.decode()
    assert answer.status_code == 200 and "This field is required." in page
    assert "Select a valid choice" in page
    assert not Lesson.objects.exists()


def test_phases_of_another_project_and_too_many_tags_are_refused_naming_the_field(world, earlier):
    other = raci.phase_create(actor=world.owner, project=earlier, name="Build")
    with pytest.raises(ValidationError) as refused:
        lesson_on(world.alpha, world.manager, phases=[other])
    assert refused.value.message_dict == {"phases": ["Choose phases of this project."]}
    with pytest.raises(ValidationError) as refused:
        lesson_on(world.alpha, world.manager, tags=[f"t{i}" for i in range(20)])
    assert refused.value.message_dict == {"tags": ["Use at most 12 tags."]}
    assert not Lesson.objects.filter(project=world.alpha).exists()


def test_a_lesson_is_changed_and_deleted_with_history(world):
    lesson = lesson_on(world.alpha, world.manager)
    pk = lesson.pk
    services.lesson_update(actor=world.contributor, lesson=lesson, impact="low", tags="Vendor")
    assert Lesson.objects.get().tags == "vendor"
    services.lesson_delete(actor=world.contributor, lesson=lesson)
    assert not Lesson.objects.exists()
    history = LogEntry.objects.filter(object_pk=str(pk), content_type__model="lesson")
    assert [(e.action, e.actor) for e in history.order_by("pk")] == [
        (LogEntry.Action.CREATE, world.manager),
        (LogEntry.Action.UPDATE, world.contributor),
        (LogEntry.Action.DELETE, world.contributor),
    ]


def test_contributors_are_recorded_with_their_side_from_the_register_or_the_team(world, client_for):
    lesson = lesson_on(world.alpha, world.manager)
    bea = stakeholders.stakeholder_add(
        actor=world.manager, project=world.alpha, new_party={"name": "Bea Business"}
    ).party
    client = client_for(world.contributor)
    url = f"{LIST}{lesson.pk}/contributors/"
    client.post(url, {"contributor-side": "business", "contributor-party": bea.pk})
    client.post(url, {"contributor-side": "it", "contributor-user": world.contributor.pk})
    contributors = {(c.name, c.side) for c in LessonContributor.objects.all()}
    assert contributors == {("Bea Business", "business"), ("Carl Contributor", "it")}
    page = client.get(f"{LIST}{lesson.pk}/").content.decode()
    assert "Bea Business" in page and "Business" in page and "IT" in page


def test_a_contributor_needs_exactly_one_person_and_only_once(world, client_for):
    lesson = lesson_on(world.alpha, world.manager)
    client = client_for(world.contributor)
    answer = client.post(f"{LIST}{lesson.pk}/contributors/", {"contributor-side": "business"})
    assert answer.status_code == 400
    assert "Choose someone from the register, or a person, not both." in answer.content.decode()
    services.lesson_contributor_add(
        actor=world.manager, lesson=lesson, side="it", user=world.contributor
    )
    with pytest.raises(ValidationError, match="already a contributor"):
        services.lesson_contributor_add(
            actor=world.manager, lesson=lesson, side="business", user=world.contributor
        )
    with pytest.raises(ValidationError, match="Choose someone in this organisation"):
        services.lesson_contributor_add(
            actor=world.manager, lesson=lesson, side="it", user=world.outsider
        )
    assert LessonContributor.objects.count() == 1


def test_a_follow_up_is_owned_by_an_executive_and_moves_to_done(world, client_for):
    lesson = lesson_on(world.alpha, world.manager)
    cfo = stakeholders.stakeholder_add(
        actor=world.manager, project=world.alpha, new_party={"name": "Cleo CFO"}
    ).party
    client = client_for(world.contributor)
    client.post(
        f"{LIST}{lesson.pk}/follow-ups/",
        {
            "follow_up-action": "Make ranges mandatory in every business case",
            "follow_up-owner_party": cfo.pk,
            "follow_up-due_on": "2027-01-31",
        },
    )
    follow_up = LessonFollowUp.objects.get()
    assert follow_up.owner_name == "Cleo CFO" and follow_up.status == "open"
    client.post(f"{LIST}{lesson.pk}/follow-ups/{follow_up.pk}/status/", {"status": "done"})
    follow_up.refresh_from_db()
    assert follow_up.status == "done" and follow_up.due_on == date(2027, 1, 31)
    page = client.get(f"{LIST}{lesson.pk}/").content.decode()
    assert "Make ranges mandatory" in page and "Cleo CFO" in page


def test_a_follow_up_without_an_owner_or_with_a_bad_status_changes_nothing(world, client_for):
    lesson = lesson_on(world.alpha, world.manager)
    answer = client_for(world.contributor).post(
        f"{LIST}{lesson.pk}/follow-ups/", {"follow_up-action": "Tell someone"}
    )
    assert answer.status_code == 400
    assert "Choose one owner" in answer.content.decode()
    follow_up = services.lesson_follow_up_create(
        actor=world.manager, lesson=lesson, action="Tell the board", owner_user=world.owner
    )
    client_for(world.contributor).post(
        f"{LIST}{lesson.pk}/follow-ups/{follow_up.pk}/status/", {"status": "forgotten"}
    )
    assert LessonFollowUp.objects.get().status == "open"
