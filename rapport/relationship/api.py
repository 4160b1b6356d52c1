"""The relationship overview API: the same figures as the pages and `rapport relationship`."""

from ninja import Router

from rapport.accounts.access import access_project

from . import selectors
from .views import stakeholder_get

router = Router(tags=["relationship"])


@router.get("/projects/{project_id}/relationship", response=dict)
def relationship_of_project(request, project_id: int):
    """Meetings, education, lessons, satisfaction, SLAs, experts and interactions of the project,
    as figures: the keys of `rapport relationship --json`."""
    project = access_project(request.user, project_id, "view")
    return selectors.project_relationship(project)


@router.get("/projects/{project_id}/relationship/stakeholders/{stakeholder_id}", response=dict)
def relationship_of_stakeholder(request, project_id: int, stakeholder_id: int):
    """One stakeholder's meetings, interactions, satisfaction, education, the promises made to
    them, their open actions and their side's SLA obligations."""
    project = access_project(request.user, project_id, "view")
    stakeholder = stakeholder_get(project, stakeholder_id)
    return selectors.stakeholder_relationship_data(
        selectors.stakeholder_relationship(project, stakeholder)
    )
