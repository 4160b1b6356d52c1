"""Interaction pages: thin. Viewers read; contributors record, change and delete interactions."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rapport.accounts.access import project_view
from rapport.lib.forms import add_service_errors
from rapport.lib.pagination import paginate

from . import selectors, services
from .forms import InteractionFilterForm, InteractionForm

User = get_user_model()


def _people(project, user):
    """The project's team, and the signed-in person (an organisation owner may have no role)."""
    return (
        User.objects.filter(Q(project_memberships__project=project) | Q(pk=user.pk))
        .distinct()
        .order_by("full_name", "email")
    )


def _list_url(project):
    return redirect("interaction-list", org=project.org.slug, code=project.code)


@project_view("view")
def interaction_list(request, project):
    stakeholders = selectors.stakeholder_choices(project)
    filter_form = InteractionFilterForm(request.GET or None, stakeholders=stakeholders)
    chosen = filter_form.cleaned_data.get("stakeholder") if filter_form.is_valid() else None
    page = paginate(
        request,
        selectors.interaction_list(project, stakeholder_id=chosen.pk if chosen else None),
    )
    return render(
        request,
        "relations/interaction_list.html",
        {
            "project": project,
            "page": page,
            "filter_form": filter_form,
            "chosen": chosen,
            "silent": selectors.not_heard_from(project),
            "weeks": selectors.not_heard_from_weeks(),
        },
    )


@project_view("contribute")
def interaction_new(request, project):
    initial = {"date": selectors.project_today(project), "team_member": request.user.pk}
    if request.GET.get("stakeholder", "").isdigit():
        initial["stakeholder"] = int(request.GET["stakeholder"])
    form = InteractionForm(
        request.POST or None,
        initial=initial,
        stakeholders=selectors.stakeholder_choices(project),
        people=_people(project, request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            interaction = services.interaction_record(
                actor=request.user, project=project, **form.interaction_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded: {interaction}.")
            return _list_url(project)
    return render(
        request,
        "relations/interaction_form.html",
        {"project": project, "form": form, "interaction": None},
    )


@project_view("contribute")
def interaction_edit(request, project, interaction_id):
    interaction = selectors.interaction_get(project, interaction_id)
    form = InteractionForm(
        request.POST or None,
        instance=interaction,
        stakeholders=selectors.stakeholder_choices(project),
        people=_people(project, request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.interaction_update(
                actor=request.user, interaction=interaction, **form.interaction_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return _list_url(project)
    return render(
        request,
        "relations/interaction_form.html",
        {"project": project, "form": form, "interaction": interaction},
    )


@project_view("contribute")
@require_POST
def interaction_delete(request, project, interaction_id):
    interaction = selectors.interaction_get(project, interaction_id)
    services.interaction_delete(actor=request.user, interaction=interaction)
    messages.success(request, f"Deleted: {interaction}.")
    return _list_url(project)
