"""Reads about lessons that the pages, the API, the CLI and the relationship page share."""

from django.db import connection
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.http import Http404

from rapport.projects.models import Project

from . import rules
from .models import (
    FollowUpStatus,
    Lesson,
    LessonApplication,
    LessonCategory,
    LessonContributor,
    LessonFollowUp,
)

SEARCHED_FIELDS = ("title", "what_happened", "recommendation", "tags")
RELEVANT_LIMIT = 8


def visible_projects(user, org):
    """The organisation's projects `user` may see: those of an organisation they own, those they
    have a role on (as the board and the project list decide; no role, no lessons)."""
    return Project.objects.visible_to(user).filter(org=org)


def visible_lessons(user, org):
    """Lessons of the organisation's projects that `user` may see."""
    return Lesson.objects.filter(org=org, project__in=visible_projects(user, org).values("pk"))


def _matching(lessons, text: str):
    """Lessons where every word of `text` is found: PostgreSQL's full-text search (English
    stemming, ranked), else every word somewhere in the title, what happened, the
    recommendation or the tags (any case). Returns (lessons, ranked)."""
    words = rules.search_words(text)
    if not words:
        return lessons, False
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("tags", weight="A", config="english")
            + SearchVector("what_happened", weight="B", config="english")
            + SearchVector("recommendation", weight="B", config="english")
        )
        query = SearchQuery(" ".join(words), search_type="plain", config="english")
        # Words the stemmer drops (stop words, "the") still filter, as on SQLite.
        lessons = lessons.annotate(search=vector, rank=SearchRank(vector, query)).filter(
            search=query
        )
        return lessons, True
    for word in words:
        lessons = lessons.filter(
            Q(title__icontains=word)
            | Q(what_happened__icontains=word)
            | Q(recommendation__icontains=word)
            | Q(tags__icontains=word)
        )
    return lessons, False


def lesson_search(
    user,
    org,
    text: str = "",
    *,
    category: str = "",
    tag: str = "",
    not_reused: bool = False,
    project=None,
):
    """The organisation's lessons `user` may see matching `text` (every word), with their
    project and reuse count: best match first on PostgreSQL, else newest first. Optionally one
    category, one tag, only those not yet reused, or one project's."""
    lessons = visible_lessons(user, org)
    if project is not None:
        lessons = lessons.filter(project=project)
    if category:
        lessons = lessons.filter(category=category)
    if tag:
        lessons = lessons.with_tag(tag)
    if not_reused:
        lessons = lessons.not_reused()
    lessons, ranked = _matching(lessons, text)
    lessons = lessons.select_related("project", "org").with_reuse_count()
    if ranked:
        return lessons.order_by("-rank", "-captured_on", "-pk")
    return lessons.order_by("-captured_on", "-pk")


def lesson_list(project):
    """The project's own lessons, newest first, with reuse counts."""
    return (
        Lesson.objects.filter(project=project)
        .select_related("project", "org", "captured_by")
        .with_reuse_count()
        .order_by("-captured_on", "-pk")
    )


def lesson_get(project, lesson_id) -> Lesson:
    """One lesson of the project, with its contributors, follow-ups, phases and activities."""
    lesson = (
        Lesson.objects.filter(project=project, pk=lesson_id)
        .select_related("project__org", "org", "captured_by")
        .prefetch_related(
            "phases",
            "activities",
            Prefetch(
                "contributors",
                LessonContributor.objects.select_related("party", "user").order_by("side", "pk"),
            ),
            Prefetch(
                "follow_ups",
                LessonFollowUp.objects.select_related("owner_party", "owner_user"),
            ),
        )
        .with_reuse_count()
        .first()
    )
    if lesson is None:
        raise Http404("No such lesson")
    return lesson


def visible_lesson_get(user, org, lesson_id) -> Lesson:
    """A lesson of any project of the organisation that `user` may see (to apply it), or 404."""
    lesson = visible_lessons(user, org).select_related("project").filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404("No such lesson")
    return lesson


def contributor_get(lesson, contributor_id) -> LessonContributor:
    found = lesson.contributors.select_related("party", "user").filter(pk=contributor_id).first()
    if found is None:
        raise Http404("No such contributor")
    return found


def follow_up_get(lesson, follow_up_id) -> LessonFollowUp:
    found = (
        lesson.follow_ups.select_related("owner_party", "owner_user")
        .filter(pk=follow_up_id)
        .first()
    )
    if found is None:
        raise Http404("No such follow-up")
    return found


def applications_of(lesson, user):
    """Where a lesson was applied, on the projects `user` may see, newest first, and how many
    more there are on projects they may not see."""
    all_ = lesson.applications.select_related("project", "applied_by")
    seen = list(all_.filter(project__in=visible_projects(user, lesson.org).values("pk")))
    return seen, lesson.reuse_count - len(seen)


def applied_here(project):
    """Lessons of other projects that this project applied, newest first."""
    return (
        LessonApplication.objects.filter(project=project)
        .select_related("lesson__project", "applied_by")
        .order_by("-applied_on", "-pk")
    )


def application_get(project, lesson_id) -> LessonApplication:
    found = applied_here(project).filter(lesson_id=lesson_id).first()
    if found is None:
        raise Http404("This project has not applied that lesson")
    return found


def project_keywords(project) -> list[str]:
    """What a project's kind of work is, in words: its name, description, goals and phases."""
    texts = [project.name, project.description, project.business_case]
    texts += list(project.goals.values_list("text", flat=True)[:20])
    texts += list(project.phases.values_list("name", flat=True)[:30])
    return rules.keywords(texts)


def lessons_relevant_to(project, user=None, *, limit: int = RELEVANT_LIMIT):
    """Lessons from the organisation's OTHER projects that may apply to this one: those whose
    title, tags, category or words match what the project is about, the ones this project has
    not applied yet first, then the best matches, then the least reused. Only projects `user`
    may see, when a user is given. Each lesson carries ``score``, ``reuse_count`` and
    ``applied_here``. One query."""
    words = project_keywords(project)
    if not words:
        return []
    lessons = Lesson.objects.filter(org_id=project.org_id).exclude(project=project)
    if user is not None:
        lessons = lessons.filter(project__in=visible_projects(user, project.org).values("pk"))
    categories = {c.value for c in LessonCategory}
    score = Value(0, output_field=IntegerField())
    matches = Q()
    for word in words:
        strong = Q(title__icontains=word) | Q(tags__icontains=word)
        weak = Q(what_happened__icontains=word) | Q(recommendation__icontains=word)
        if word in categories or word.rstrip("s") in categories:
            strong |= Q(category=word if word in categories else word.rstrip("s"))
        score = score + Case(
            When(strong, then=Value(2)), When(weak, then=Value(1)), default=Value(0)
        )
        matches |= strong | weak
    applied = LessonApplication.objects.filter(lesson=OuterRef("pk"), project=project)
    return list(
        lessons.filter(matches)
        .annotate(score=score, applied_here=Exists(applied))
        .select_related("project", "org")
        .with_reuse_count()
        .order_by("applied_here", "-score", "reuse_count", "-captured_on", "-pk")[:limit]
    )


def is_new(project) -> bool:
    """A project that has just started: no activities planned yet."""
    return not project.activities.exists()


def lesson_summary(project) -> dict:
    """Figures for the relationship page and `rapport relationship --json`: the project's own
    lessons (by category), how often other projects reused them, the lessons it applied from
    elsewhere, and the open follow-ups."""
    own = Lesson.objects.filter(project=project)
    by_category = {c: 0 for c in LessonCategory.values}
    for row in own.order_by().values("category").annotate(n=Count("pk")):
        by_category[row["category"]] = row["n"]
    return {
        "count": sum(by_category.values()),
        "by_category": by_category,
        "reused_elsewhere": LessonApplication.objects.filter(lesson__project=project).count(),
        "not_yet_reused": own.not_reused().count(),
        "applied_from_elsewhere": LessonApplication.objects.filter(project=project).count(),
        "open_follow_ups": LessonFollowUp.objects.filter(lesson__project=project)
        .exclude(status=FollowUpStatus.DONE)
        .count(),
    }
