"""Expert pages: thin. The organisation's directory ("who knows about X?") and its catalogue of
areas; a project's areas, which of them has no expert consulted, and the Consulted suggestion."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rapport.accounts.access import PROJECT_NEEDS, org_view, project_view
from rapport.lib.forms import add_service_errors
from rapport.lib.pagination import paginate
from rapport.projects.models import Project

from . import selectors, services
from .forms import ActivityAreasForm, ExpertForm, ExpertiseForm, SearchForm
from .models import Expert


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _visible_projects(user, org):
    visible = selectors.visible_project_ids(user, org)
    projects = Project.objects.filter(org=org).order_by("code")
    return projects if visible is None else projects.filter(pk__in=visible)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the directory -----------------------------------------------------------------------------


@org_view("member")
def directory(request, org):
    form = SearchForm(request.GET or None)
    query, availability = "", ""
    if form.is_valid():
        query, availability = form.cleaned_data["q"], form.cleaned_data["availability"]
    area_id = _int(request.GET.get("area"))
    area = selectors.expertise_list(org).filter(pk=area_id).first() if area_id else None
    page = paginate(
        request,
        selectors.expert_search(
            org, query, area_id=area.pk if area else None, availability=availability
        ),
    )
    page.object_list = selectors.with_helped_projects(
        page.object_list, visible=selectors.visible_project_ids(request.user, org)
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "experts/directory.html",
        {
            "org": org,
            "page": page,
            "form": form,
            "query": query,
            "area": area,
            "params": params.urlencode(),
            "is_owner": org.user_level >= 2,
            "area_count": selectors.expertise_list(org).count(),
        },
    )


def _expert_form_page(request, org, expert: Expert | None):
    form = ExpertForm(
        request.POST or None,
        instance=expert,
        org=org,
        projects=_visible_projects(request.user, org),
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.EXPERT_FIELDS}
        if expert is not None:
            # projects this person may not see keep their tick
            hidden = expert.helped_projects.exclude(pk__in=form.fields["helped_projects"].queryset)
            fields["helped_projects"] = [*fields["helped_projects"], *hidden]
        try:
            if expert is None:
                expert = services.expert_create(
                    actor=request.user,
                    org=org,
                    party=form.cleaned_data["party"],
                    new_areas=form.new_area_names(),
                    **fields,
                )
                messages.success(request, f"{expert.party.name} is in the directory of experts.")
            else:
                services.expert_update(
                    actor=request.user, expert=expert, new_areas=form.new_area_names(), **fields
                )
                messages.success(request, "Saved.")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("expert-directory", org=org.slug)
    return render(
        request,
        "experts/expert_form.html",
        {"org": org, "form": form, "expert": expert, "is_owner": org.user_level >= 2},
    )


@org_view("member")
def expert_new(request, org):
    return _expert_form_page(request, org, None)


@org_view("member")
def expert_edit(request, org, expert_id):
    return _expert_form_page(request, org, selectors.expert_get(org, expert_id))


@org_view("owner")
@require_POST
def expert_delete(request, org, expert_id):
    expert = selectors.expert_get(org, expert_id)
    services.expert_delete(actor=request.user, expert=expert)
    messages.success(request, f"{expert.party.name} is no longer in the directory of experts.")
    return redirect("expert-directory", org=org.slug)


# --- the catalogue of areas --------------------------------------------------------------------


@org_view("member")
def expertise_list(request, org):
    form = ExpertiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.expertise_create(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Area “{area.name}” added.")
            return redirect("expertise-list", org=org.slug)
    return render(
        request,
        "experts/expertise_list.html",
        {
            "org": org,
            "form": form,
            "page": paginate(request, selectors.expertise_list(org)),
            "is_owner": org.user_level >= 2,
        },
    )


@org_view("owner")
def expertise_edit(request, org, expertise_id):
    area = selectors.expertise_get(org, expertise_id)
    form = ExpertiseForm(
        request.POST or None, initial={"name": area.name, "description": area.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.expertise_update(actor=request.user, area=area, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("expertise-list", org=org.slug)
    return render(request, "experts/expertise_form.html", {"org": org, "form": form, "area": area})


@org_view("owner")
@require_POST
def expertise_delete(request, org, expertise_id):
    area = selectors.expertise_get(org, expertise_id)
    services.expertise_delete(actor=request.user, area=area)
    messages.success(request, f"Area “{area.name}” removed from the catalogue.")
    return redirect("expertise-list", org=org.slug)


# --- a project's experts -----------------------------------------------------------------------


@project_view("view")
def project_experts(request, project):
    found = selectors.project_areas(project)
    page = paginate(request, selectors.project_activities(project))
    return render(
        request,
        "experts/project_experts.html",
        {
            "project": project,
            "org": project.org,
            "areas": found.areas,
            "missing": [a for a in found.areas if a.without_expert],
            "suggestions": found.suggestions[:60],
            "more_suggestions": max(0, len(found.suggestions) - 60),
            "page": page,
            "can_manage": project.user_level >= PROJECT_NEEDS["manage"],
        },
    )


def _project_experts_url(project):
    return redirect("project-experts", org=project.org.slug, code=project.code)


@project_view("contribute")
def activity_areas(request, project, activity_id):
    activity = selectors.activity_get(project, activity_id)
    form = ActivityAreasForm(
        request.POST or None,
        org=project.org,
        initial={"areas": [link.area_id for link in activity.area_links.all()]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_areas_set(
                actor=request.user, activity=activity, areas=form.cleaned_data["areas"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Areas of “{activity.name}” saved.")
            return _project_experts_url(project)
    return render(
        request,
        "experts/activity_areas.html",
        {"project": project, "activity": activity, "form": form},
    )


@project_view("contribute")
@require_POST
def consult(request, project):
    activity = (
        selectors.project_activities(project).filter(pk=_int(request.POST.get("activity"))).first()
    )
    expert = (
        Expert.objects.filter(org_id=project.org_id, pk=_int(request.POST.get("expert")))
        .select_related("party")
        .first()
    )
    if activity is None or expert is None:
        messages.error(request, "That activity or expert is not there any more: reload the page.")
        return _project_experts_url(project)
    activity.project = project
    try:
        services.expert_consult(
            actor=request.user,
            activity=activity,
            expert=expert,
            can_add_stakeholder=project.user_level >= PROJECT_NEEDS["manage"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, f"{expert.party.name} is now Consulted on “{activity.name}” in the RACI."
        )
    return _project_experts_url(project)
