from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rapport.accounts.access import project_view, user_view
from rapport.accounts.models import Organisation
from rapport.lib.audit import describe_entry, history_for_project
from rapport.lib.forms import add_service_errors
from rapport.lib.pagination import paginate
from rapport.raci.selectors import milestones_next
from rapport.status.health_kept import project_health_now
from rapport.status.selectors import project_today

from . import rules, services
from .forms import DeleteProjectForm, MemberForm, MemberRoleForm, NewProjectForm, ProjectForm
from .selectors import project_list

User = get_user_model()


def _project_fields(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k in services.EDITABLE_FIELDS}


@user_view
def project_index(request):
    query = request.GET.get("q", "").strip()
    page = paginate(request, project_list(request.user, query=query))
    has_org = Organisation.objects.filter(memberships__user=request.user).exists()
    template = "projects/_project_rows.html" if request.htmx else "projects/project_list.html"
    return render(request, template, {"page": page, "query": query, "has_org": has_org})


@user_view
def project_new(request):
    orgs = list(Organisation.objects.filter(memberships__user=request.user))
    if not orgs:
        messages.info(request, "Create an organisation first: projects belong to one.")
        return redirect("org-new")
    form = NewProjectForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        org = next(o for o in orgs if o.slug == form.cleaned_data["org"])
        try:
            project = services.project_create(
                actor=request.user,
                org=org,
                code=form.cleaned_data["code"],
                goals=form.goal_list(),
                **_project_fields(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Project {project.code} created.")
            return redirect("project-home", org=org.slug, code=project.code)
    return render(request, "projects/project_form.html", {"form": form, "creating": True})


@project_view("view")
def project_home(request, project):
    memberships = project.memberships.select_related("user")
    recent = [describe_entry(e) for e in history_for_project(project.pk)[:5]]
    # The overview leads with honest status: reported colour beside the evidence.
    health = project_health_now(project)
    # Meetings sit above projects on the staircase: their open actions are asked for here.
    from rapport.meetings.selectors import action_list

    return render(
        request,
        "projects/project_home.html",
        {
            "project": project,
            "goals": project.goals.all(),
            "memberships": memberships,
            "recent": recent,
            "health": health,
            "milestones": milestones_next(project),
            "decisions": (
                health.update.decisions.select_related("needed_from") if health.update else []
            ),
            "open_actions": list(action_list(project, status="open")[:5]),
            "today": project_today(project),
        },
    )


@project_view("manage")
def project_edit(request, project):
    form = ProjectForm(request.POST or None, instance=project, editing=True)
    allowed = {project.state, *rules.next_states(project.state)}
    form.fields["state"].choices = [c for c in form.fields["state"].choices if c[0] in allowed]
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                actor=request.user, project=project, goals=form.goal_list(), **_project_fields(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Project saved.")
            return redirect("project-home", org=project.org.slug, code=project.code)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@project_view("own")
def project_delete(request, project):
    form = DeleteProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_delete(
                actor=request.user, project=project, confirm_code=form.cleaned_data["confirm_code"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Project {project.code} deleted. Its history is kept.")
            return redirect("org-home", org=project.org.slug)
    return render(request, "projects/project_delete.html", {"form": form, "project": project})


@project_view("view")
def project_members(request, project):
    memberships = project.memberships.select_related("user")
    member_ids = {m.user_id for m in memberships}
    candidates = [
        u for u in User.objects.filter(org_memberships__org=project.org) if u.pk not in member_ids
    ]
    form = MemberForm(candidates=candidates)
    return render(
        request,
        "projects/project_members.html",
        {
            "project": project,
            "memberships": memberships,
            "form": form,
            "role_form": MemberRoleForm(),
        },
    )


@project_view("manage")
@require_POST
def project_member_add(request, project):
    candidates = User.objects.filter(org_memberships__org=project.org)
    form = MemberForm(request.POST, candidates=candidates)
    if form.is_valid():
        user = candidates.get(pk=form.cleaned_data["user"])
        try:
            services.project_member_set(
                actor=request.user, project=project, user=user, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{user.display_name} is now {form.cleaned_data['role']}.")
    else:
        messages.error(request, "Choose a person from the organisation and a role.")
    return redirect("project-members", org=project.org.slug, code=project.code)


@project_view("manage")
@require_POST
def project_member_role(request, project, user_id):
    member = get_object_or_404(User, pk=user_id, project_memberships__project=project)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        services.project_member_set(
            actor=request.user, project=project, user=member, role=form.cleaned_data["role"]
        )
        messages.success(request, f"{member.display_name} is now {form.cleaned_data['role']}.")
    else:
        messages.error(request, "Choose manager, contributor or viewer.")
    return redirect("project-members", org=project.org.slug, code=project.code)


@project_view("manage")
@require_POST
def project_member_remove(request, project, user_id):
    member = get_object_or_404(User, pk=user_id, project_memberships__project=project)
    services.project_member_remove(actor=request.user, project=project, user=member)
    messages.success(request, f"{member.display_name} no longer has a role on {project.code}.")
    return redirect("project-members", org=project.org.slug, code=project.code)


@project_view("view")
def project_history(request, project):
    page = paginate(request, history_for_project(project.pk))
    entries = [describe_entry(e) for e in page]
    return render(
        request,
        "projects/project_history.html",
        {"project": project, "page": page, "entries": entries},
    )
