"""Education pages: thin. Viewers see who has seen what; contributors record explanations;
managers of a project edit the organisation's topic catalogue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rapport.accounts.access import PROJECT_NEEDS, project_view
from rapport.lib.forms import add_service_errors
from rapport.lib.pagination import paginate
from rapport.relations.selectors import project_today

from . import selectors, services
from .forms import ExplanationForm, TopicForm

RECENT = 20


def _list_url(project):
    return redirect("education-list", org=project.org.slug, code=project.code)


@project_view("view")
def education_list(request, project):
    topics = list(selectors.topic_list(project.org))
    page = paginate(request, selectors.stakeholder_choices(project))
    grid = selectors.understanding_grid(project, page.object_list, topics)
    meeting = selectors.next_meeting(project)
    suggestions = selectors.restate_suggestions(meeting or project)
    return render(
        request,
        "education/education_list.html",
        {
            "project": project,
            "topics": topics,
            "page": page,
            "grid": grid,
            "recent": selectors.explanation_list(project)[:RECENT],
            "next_meeting": meeting,
            "suggestions": suggestions,
            "can_manage": project.user_level >= PROJECT_NEEDS["manage"],
        },
    )


def _form(request, project, explanation=None):
    initial = {"explained_on": project_today(project)}
    if explanation is not None:
        initial = {
            "topic": explanation.topic_id,
            "explained_on": explanation.explained_on,
            "meeting": explanation.meeting_id,
            "notes": explanation.notes,
            "stakeholders": [a.stakeholder_id for a in explanation.audience.all()],
        }
    else:
        for name in ("topic", "meeting"):
            if request.GET.get(name, "").isdigit():
                initial[name] = int(request.GET[name])
    return ExplanationForm(
        request.POST or None,
        initial=initial,
        topics=selectors.topic_list(project.org),
        stakeholders=selectors.stakeholder_choices(project),
        meetings=selectors.meeting_choices(project),
        explanation=explanation,
    )


def _fields(form) -> dict:
    return {
        "topic": form.cleaned_data["topic"],
        "explained_on": form.cleaned_data["explained_on"],
        "meeting": form.cleaned_data["meeting"],
        "notes": form.cleaned_data["notes"],
    }


@project_view("contribute")
def explanation_new(request, project):
    form = _form(request, project)
    if request.method == "POST" and form.is_valid():
        try:
            explanation = services.explanation_record(
                actor=request.user, project=project, audience=form.audience(), **_fields(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded: {explanation}.")
            return _list_url(project)
    return render(
        request,
        "education/explanation_form.html",
        {"project": project, "form": form, "explanation": None},
    )


@project_view("contribute")
def explanation_edit(request, project, explanation_id):
    explanation = selectors.explanation_get(project, explanation_id)
    form = _form(request, project, explanation)
    if request.method == "POST" and form.is_valid():
        try:
            services.explanation_update(
                actor=request.user,
                explanation=explanation,
                audience=form.audience(),
                **_fields(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return _list_url(project)
    return render(
        request,
        "education/explanation_form.html",
        {"project": project, "form": form, "explanation": explanation},
    )


@project_view("contribute")
@require_POST
def explanation_delete(request, project, explanation_id):
    explanation = selectors.explanation_get(project, explanation_id)
    services.explanation_delete(actor=request.user, explanation=explanation)
    messages.success(request, f"Deleted: {explanation}.")
    return _list_url(project)


# --- the topic catalogue (the organisation's; a project's managers edit it) ------------------------


@project_view("manage")
def topic_list(request, project):
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(actor=request.user, org=project.org, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Topic “{topic.name}” added.")
            return redirect("education-topics", org=project.org.slug, code=project.code)
    return render(
        request,
        "education/topic_list.html",
        {
            "project": project,
            "form": form,
            "page": paginate(request, selectors.topic_list(project.org)),
        },
    )


@project_view("manage")
def topic_edit(request, project, education_topic_id):
    topic = selectors.topic_get(project.org, education_topic_id)
    form = TopicForm(request.POST or None, instance=topic)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(actor=request.user, topic=topic, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("education-topics", org=project.org.slug, code=project.code)
    return render(
        request, "education/topic_form.html", {"project": project, "form": form, "topic": topic}
    )


@project_view("manage")
@require_POST
def topic_delete(request, project, education_topic_id):
    topic = selectors.topic_get(project.org, education_topic_id)
    try:
        services.topic_delete(actor=request.user, topic=topic)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Topic “{topic.name}” removed from the catalogue.")
    return redirect("education-topics", org=project.org.slug, code=project.code)
