"""Lessons for tests, made through the services like real ones."""

from datetime import date

from rapport.lessons import services
from rapport.projects import services as projects
from rapport.projects.models import ProjectRole

EARLIER_CODE = "LL-EARLIER"


def lesson_on(project, actor, title="Estimates need the sponsor's constraint", **fields):
    values = {
        "what_happened": "The sponsor said 8 months; the estimate said 12. Nobody showed how.",
        "recommendation": "Show the estimate's ranges and contingency before the sponsor commits.",
        "category": "estimating",
        "impact": "high",
        "tags": "estimates, sponsor",
        "captured_on": date(2026, 10, 5),
    }
    values.update(fields)
    return services.lesson_capture(actor=actor, project=project, title=title, **values)


def earlier_project(world):
    """An earlier Acme project the ALPHA team may read (Max and Carl are viewers on it)."""
    earlier = projects.project_create(
        actor=world.owner,
        org=world.acme,
        code=EARLIER_CODE,
        name="Earlier ledger upgrade",
        description="Upgrade of the ledger; estimates and vendor contracts.",
    )
    for person in (world.manager, world.contributor):
        projects.project_member_set(
            actor=world.owner, project=earlier, user=person, role=ProjectRole.VIEWER
        )
    return earlier


def lessons_sample(world) -> dict:
    """On ALPHA: a lesson with a contributor and a follow-up; on an earlier project, a lesson the
    ALPHA team may apply (ALPHA applies it already)."""
    lesson = lesson_on(world.alpha, world.manager, title="Invite the business lead weekly")
    contributor = services.lesson_contributor_add(
        actor=world.manager, lesson=lesson, side="it", user=world.contributor
    )
    follow_up = services.lesson_follow_up_create(
        actor=world.manager, lesson=lesson, action="Add to the PM handbook", owner_user=world.owner
    )
    earlier = earlier_project(world)
    earlier_lesson = lesson_on(earlier, world.owner)
    services.lesson_apply(actor=world.manager, lesson=earlier_lesson, project=world.alpha)
    return {
        "lesson_id": lesson.pk,
        "contributor_id": contributor.pk,
        "follow_up_id": follow_up.pk,
        "reuse_lesson_id": earlier_lesson.pk,
    }
