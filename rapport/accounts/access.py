"""The one place that decides who may see or change what.

Every view and API operation goes through these functions. Outsiders (no relation to the
organisation or project) get 404 and learn nothing, not even that the object exists; members whose
role is too low get 403.

Project levels, lowest to highest: view < contribute < manage < own. An organisation owner has
every level on every project of the organisation; everybody else has the level of their project
role (viewer, contributor, manager).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rapport.accounts.models import Organisation, OrgMembership, OrgRole

PROJECT_NEEDS = {"view": 1, "contribute": 2, "manage": 3, "own": 4}
PROJECT_ROLE_LEVELS = {"viewer": 1, "contributor": 2, "manager": 3}
ORG_NEEDS = {"member": 1, "owner": 2}


def _org_level(user, org_id) -> int:
    if not user.is_authenticated:
        return 0
    role = (
        OrgMembership.objects.filter(user=user, org_id=org_id)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        return 0
    return ORG_NEEDS["owner"] if role == OrgRole.OWNER else ORG_NEEDS["member"]


def project_level(user, project) -> int:
    """0 for an outsider, else the highest need the user satisfies on this project."""
    from rapport.projects.models import ProjectMembership

    if not user.is_authenticated:
        return 0
    if _org_level(user, project.org_id) == ORG_NEEDS["owner"]:
        return PROJECT_NEEDS["own"]
    role = (
        ProjectMembership.objects.filter(user=user, project=project)
        .values_list("role", flat=True)
        .first()
    )
    return PROJECT_ROLE_LEVELS.get(role, 0)


def _check(level: int, need: int):
    if level == 0:
        raise Http404("No such page")
    if level < need:
        raise PermissionDenied("Your role does not allow this.")


def _grant_project(user, project, need: str):
    if need not in PROJECT_NEEDS:
        raise ValueError(f"unknown project need {need!r}")
    level = project_level(user, project)
    _check(level, PROJECT_NEEDS[need])
    project.user_level = level
    return project


def access_project(user, project_id, need: str = "view"):
    """Return the project with this id if `user` has `need` on it; else 404 (outsider) or 403."""
    from rapport.projects.models import Project

    project = Project.objects.select_related("org").filter(pk=project_id).first()
    if project is None:
        raise Http404("No such project")
    return _grant_project(user, project, need)


def access_project_by_code(user, org_slug: str, code: str, need: str = "view"):
    """Same as access_project, for the /o/<org>/p/<code>/ URLs."""
    from rapport.projects.models import Project

    project = Project.objects.select_related("org").filter(org__slug=org_slug, code=code).first()
    if project is None:
        raise Http404("No such project")
    return _grant_project(user, project, need)


def access_org(user, slug: str, need: str = "member") -> Organisation:
    """Return the organisation if `user` is a member (need="member") or an owner (need="owner")."""
    if need not in ORG_NEEDS:
        raise ValueError(f"unknown organisation need {need!r}")
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise Http404("No such organisation")
    level = _org_level(user, org.pk)
    _check(level, ORG_NEEDS[need])
    org.user_level = level
    return org


# --- view decorators: each marks the view with what it needs, for the authorization test -------


def project_view(need: str):
    """A page under /o/<org>/p/<code>/: the view receives the project instead of org and code."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, org, code, *args, **kwargs):
            project = access_project_by_code(request.user, org, code, need)
            return view(request, project, *args, **kwargs)

        guarded = login_required(wrapper)
        guarded.access_need = ("project", need)
        return guarded

    return decorator


def org_view(need: str):
    """A page under /o/<org>/: the view receives the organisation instead of its slug."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, org, *args, **kwargs):
            organisation = access_org(request.user, org, need)
            return view(request, organisation, *args, **kwargs)

        guarded = login_required(wrapper)
        guarded.access_need = ("org", need)
        return guarded

    return decorator


def user_view(view):
    """A page about the signed-in user's own things (their account, their project list)."""
    guarded = login_required(view)
    guarded.access_need = ("user", "signed-in")
    return guarded


def public_view(view):
    """A page anyone may open: sign-in, password reset, an invitation link."""
    view.access_need = ("public", None)
    return view
