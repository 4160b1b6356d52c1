"""Reads that project pages, the API and the CLI share."""

from django.db.models import Count

from rapport.accounts.models import Organisation

from .models import Project


def project_list(user, *, org: Organisation | None = None, query: str = ""):
    """Projects `user` may see, with their organisation and member count, in code order."""
    projects = Project.objects.visible_to(user).select_related("org")
    if org is not None:
        projects = projects.filter(org=org)
    if query:
        projects = projects.filter(name__icontains=query) | projects.filter(
            code__icontains=query.upper()
        )
    return projects.annotate(member_count=Count("memberships", distinct=True)).order_by(
        "org__name", "code"
    )


def project_get_by_ref(ref: str, *, org_slug: str | None = None) -> Project:
    """Find a project for the CLI: `CODE`, `ORG/CODE`, or CODE with --org. Raises LookupError with
    a message a person can act on."""
    if "/" in ref and org_slug is None:
        org_slug, ref = ref.split("/", 1)
    projects = Project.objects.select_related("org").filter(code=ref.strip().upper())
    if org_slug:
        projects = projects.filter(org__slug=org_slug)
    found = list(projects[:2])
    if not found:
        where = f" in organisation {org_slug}" if org_slug else ""
        raise LookupError(f"No project with the code {ref.upper()}{where}.")
    if len(found) > 1:
        raise LookupError(
            f"Several organisations have a project {ref.upper()}; say which with ORG/CODE or --org."
        )
    return found[0]
