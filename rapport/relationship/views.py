"""The relationship overview pages: thin. Anyone who may see the project reads them."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from rapport.accounts.access import project_view
from rapport.stakeholders.models import ProjectStakeholder

from . import selectors


@project_view("view")
def relationship_project(request, project):
    return render(
        request,
        "relationship/project.html",
        {"project": project, "r": selectors.project_relationship(project)},
    )


def stakeholder_get(project, stakeholder_id) -> ProjectStakeholder:
    stakeholder = (
        ProjectStakeholder.objects.filter(project=project, pk=stakeholder_id)
        .select_related("party")
        .first()
    )
    if stakeholder is None:
        raise Http404("No such stakeholder")
    return stakeholder


@project_view("view")
def relationship_stakeholder(request, project, stakeholder_id):
    stakeholder = stakeholder_get(project, stakeholder_id)
    return render(
        request,
        "relationship/stakeholder.html",
        {
            "project": project,
            "s": selectors.stakeholder_relationship(project, stakeholder),
            "now": timezone.now(),
        },
    )
