"""Lessons pages: thin. Viewers read; contributors capture, apply and follow up lessons; every
member of the organisation searches the library (of the projects they may see)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from rapport.accounts.access import org_view, project_view
from rapport.lib.forms import add_service_errors
from rapport.lib.pagination import paginate

from . import selectors, services
from .forms import (
    ApplyForm,
    ContributorForm,
    FollowUpForm,
    FollowUpStatusForm,
    LessonForm,
    LibraryFilterForm,
    team_people,
)

SEARCH_RESULTS = 10


def _to_list(project, query: str = ""):
    url = reverse("project-lessons", args=[project.org.slug, project.code])
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode({"q": query}) + "#search-title"
    return redirect(url)


def _to_detail(lesson):
    return redirect(
        "lesson-detail", org=lesson.org.slug, code=lesson.project.code, lesson_id=lesson.pk
    )


@project_view("view")
def project_lessons(request, project):
    query = request.GET.get("q", "").strip()[:200]
    results = []
    if query:
        results = list(
            selectors.lesson_search(request.user, project.org, query).exclude(project=project)[
                :SEARCH_RESULTS
            ]
        )
        applied = set(
            selectors.applied_here(project)
            .filter(lesson__in=[r.pk for r in results])
            .values_list("lesson_id", flat=True)
        )
        for lesson in results:
            lesson.applied_here = lesson.pk in applied
    return render(
        request,
        "lessons/project_lessons.html",
        {
            "project": project,
            "page": paginate(request, selectors.lesson_list(project)),
            "applied": list(selectors.applied_here(project)[:50]),
            "relevant": selectors.lessons_relevant_to(project, request.user),
            "query": query,
            "results": results,
            "apply_form": ApplyForm(),
        },
    )


@project_view("contribute")
def lesson_new(request, project):
    from rapport.relations.selectors import project_today

    form = LessonForm(
        request.POST or None, initial={"captured_on": project_today(project)}, project=project
    )
    if request.method == "POST" and form.is_valid():
        try:
            lesson = services.lesson_capture(
                actor=request.user, project=project, **form.lesson_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Captured: {lesson.title}. Add who contributed, from the business and from IT.",
            )
            return _to_detail(lesson)
    return render(
        request, "lessons/lesson_form.html", {"project": project, "form": form, "lesson": None}
    )


def _detail(request, project, lesson, *, contributor_form=None, follow_up_form=None, status=200):
    people = team_people(project, request.user)
    applications, hidden = selectors.applications_of(lesson, request.user)
    return render(
        request,
        "lessons/lesson_detail.html",
        {
            "project": project,
            "lesson": lesson,
            "applications": applications,
            "hidden_applications": hidden,
            "contributor_form": contributor_form or ContributorForm(project=project, people=people),
            "follow_up_form": follow_up_form or FollowUpForm(project=project, people=people),
            "status_form": FollowUpStatusForm(),
        },
        status=status,
    )


@project_view("view")
def lesson_detail(request, project, lesson_id):
    return _detail(request, project, selectors.lesson_get(project, lesson_id))


@project_view("contribute")
def lesson_edit(request, project, lesson_id):
    lesson = selectors.lesson_get(project, lesson_id)
    form = LessonForm(request.POST or None, instance=lesson, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_update(actor=request.user, lesson=lesson, **form.lesson_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return _to_detail(lesson)
    return render(
        request, "lessons/lesson_form.html", {"project": project, "form": form, "lesson": lesson}
    )


@project_view("contribute")
@require_POST
def lesson_delete(request, project, lesson_id):
    lesson = selectors.lesson_get(project, lesson_id)
    services.lesson_delete(actor=request.user, lesson=lesson)
    messages.success(request, f"Deleted: {lesson.title}.")
    return _to_list(project)


@project_view("contribute")
@require_POST
def contributor_add(request, project, lesson_id):
    lesson = selectors.lesson_get(project, lesson_id)
    form = ContributorForm(request.POST, project=project, people=team_people(project, request.user))
    if form.is_valid():
        try:
            contributor = services.lesson_contributor_add(
                actor=request.user, lesson=lesson, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{contributor.name} added as a contributor.")
            return _to_detail(lesson)
    return _detail(request, project, lesson, contributor_form=form, status=400)


@project_view("contribute")
@require_POST
def contributor_remove(request, project, lesson_id, contributor_id):
    lesson = selectors.lesson_get(project, lesson_id)
    contributor = selectors.contributor_get(lesson, contributor_id)
    services.lesson_contributor_remove(actor=request.user, contributor=contributor)
    messages.success(request, f"{contributor.name} is no longer listed as a contributor.")
    return _to_detail(lesson)


@project_view("contribute")
@require_POST
def follow_up_add(request, project, lesson_id):
    lesson = selectors.lesson_get(project, lesson_id)
    form = FollowUpForm(request.POST, project=project, people=team_people(project, request.user))
    if form.is_valid():
        try:
            follow_up = services.lesson_follow_up_create(
                actor=request.user, lesson=lesson, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Passed on to {follow_up.owner_name}: {follow_up.action}.")
            return _to_detail(lesson)
    return _detail(request, project, lesson, follow_up_form=form, status=400)


@project_view("contribute")
@require_POST
def follow_up_status(request, project, lesson_id, follow_up_id):
    lesson = selectors.lesson_get(project, lesson_id)
    follow_up = selectors.follow_up_get(lesson, follow_up_id)
    form = FollowUpStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Status: choose open, in progress or done.")
        return _to_detail(lesson)
    services.lesson_follow_up_update(
        actor=request.user, follow_up=follow_up, status=form.cleaned_data["status"]
    )
    messages.success(request, f"{follow_up.action}: {follow_up.get_status_display().lower()}.")
    return _to_detail(lesson)


@project_view("contribute")
@require_POST
def lesson_apply(request, project, reuse_lesson_id):
    """This project applies a lesson learned on another project it may see."""
    query = request.POST.get("q", "").strip()[:200]
    lesson = selectors.visible_lesson_get(request.user, project.org, reuse_lesson_id)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(form.errors.get("note", [])))
        return _to_list(project, query)
    try:
        applied = services.lesson_apply(
            actor=request.user, lesson=lesson, project=project, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        (messages.success if applied.created else messages.info)(request, applied.message)
    return _to_list(project, query)


@project_view("contribute")
@require_POST
def lesson_unapply(request, project, reuse_lesson_id):
    application = selectors.application_get(project, reuse_lesson_id)
    services.lesson_unapply(actor=request.user, application=application)
    messages.success(request, f"{project.code} no longer applies “{application.lesson.title}”.")
    return _to_list(project)


@org_view("member")
def lesson_library(request, org):
    form = LibraryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    lessons = selectors.lesson_search(
        request.user,
        org,
        filters.get("q", ""),
        category=filters.get("category", ""),
        tag=filters.get("tag", ""),
        not_reused=filters.get("not_reused", False),
    )
    filtering = any(filters.values())
    not_reused = []
    if not filtering:
        not_reused = list(
            selectors.lesson_search(request.user, org, not_reused=True)[:SEARCH_RESULTS]
        )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "lessons/library.html",
        {
            "org": org,
            "form": form,
            "page": paginate(request, lessons),
            "filtering": filtering,
            "not_reused": not_reused,
            "query_string": query_string.urlencode(),
        },
    )
