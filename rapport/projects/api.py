from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_org, access_project
from rapport.lib.audit import describe_entry, history_for_project

from . import services
from .selectors import project_list

router = Router(tags=["projects"])
User = get_user_model()


class ProjectOut(Schema):
    id: int
    org: str = Field(..., alias="org.slug")
    code: str
    name: str
    description: str
    business_case: str
    goals: list[str]
    start_date: date | None
    target_date: date | None
    budget: Decimal | None
    currency: str
    state: str
    time_zone: str

    @staticmethod
    def resolve_goals(project):
        return [g.text for g in project.goals.all()]

    @staticmethod
    def resolve_budget(project):
        # As stored (two decimals), also right after a write that sent 12.5.
        return None if project.budget is None else Decimal(project.budget).quantize(Decimal("0.01"))


class ProjectFields(Schema):
    description: str = ""
    business_case: str = ""
    goals: list[str] = []
    start_date: date | None = None
    target_date: date | None = None
    budget: Decimal | None = None
    currency: str = "EUR"
    time_zone: str | None = None


class ProjectIn(ProjectFields):
    org: str
    code: str
    name: str


class ProjectPatch(Schema):
    name: str | None = None
    description: str | None = None
    business_case: str | None = None
    goals: list[str] | None = None
    start_date: date | None = None
    target_date: date | None = None
    budget: Decimal | None = None
    currency: str | None = None
    state: str | None = None
    time_zone: str | None = None


class ProjectDeleteIn(Schema):
    confirm_code: str


class MemberOut(Schema):
    user_id: int
    email: str
    full_name: str
    role: str


class MemberIn(Schema):
    email: str
    role: str


class MemberRoleIn(Schema):
    role: str


class HistoryChange(Schema):
    field: str
    before: str | None
    after: str | None


class HistoryOut(Schema):
    """One audit entry, read from auditlog's LogEntry through describe_entry."""

    at: datetime
    actor: str
    action: str
    object_type: str
    object: str
    summary: str  # the sentence the History page shows
    changes: list[HistoryChange]

    @staticmethod
    def resolve_at(entry):
        return entry.timestamp

    @staticmethod
    def resolve_actor(entry):
        return describe_entry(entry)["actor"]

    @staticmethod
    def resolve_action(entry):
        return describe_entry(entry)["action"]

    @staticmethod
    def resolve_object_type(entry):
        return describe_entry(entry)["object_type"]

    @staticmethod
    def resolve_object(entry):
        return entry.object_repr

    @staticmethod
    def resolve_summary(entry):
        return describe_entry(entry)["sentence"]

    @staticmethod
    def resolve_changes(entry):
        return describe_entry(entry)["changes"]


def _member_out(membership):
    user = membership.user
    return {
        "user_id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "role": membership.role,
    }


@router.get("/projects", response=list[ProjectOut], summary="Projects you can see")
@paginate(LimitOffsetPagination)
def project_index(request, org: str | None = None, q: str = ""):
    organisation = access_org(request.user, org, "member") if org else None
    return project_list(request.user, org=organisation, query=q).prefetch_related("goals")


@router.post(
    "/projects", response={201: ProjectOut}, summary="Create a project (you become its manager)"
)
def project_create(request, payload: ProjectIn):
    org = access_org(request.user, payload.org, "member")
    fields = payload.dict(exclude={"org", "code", "name", "goals"})
    if fields.get("time_zone") is None:
        fields.pop("time_zone", None)
    project = services.project_create(
        actor=request.user,
        org=org,
        code=payload.code,
        name=payload.name,
        goals=payload.goals,
        **fields,
    )
    return Status(201, project)


@router.get("/projects/{project_id}", response=ProjectOut)
def project_get(request, project_id: int):
    return access_project(request.user, project_id, "view")


@router.patch("/projects/{project_id}", response=ProjectOut, summary="Change some fields")
def project_patch(request, project_id: int, payload: ProjectPatch):
    project = access_project(request.user, project_id, "manage")
    fields = payload.dict(exclude_unset=True)
    goals = fields.pop("goals", None)
    return services.project_update(actor=request.user, project=project, goals=goals, **fields)


@router.delete(
    "/projects/{project_id}", response={204: None}, summary="Delete (organisation owners)"
)
def project_delete(request, project_id: int, payload: ProjectDeleteIn):
    project = access_project(request.user, project_id, "own")
    services.project_delete(actor=request.user, project=project, confirm_code=payload.confirm_code)
    return Status(204, None)


@router.get("/projects/{project_id}/members", response=list[MemberOut])
def project_member_list(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return [_member_out(m) for m in project.memberships.select_related("user")]


@router.put("/projects/{project_id}/members", response=MemberOut, summary="Give a person a role")
def project_member_set(request, project_id: int, payload: MemberIn):
    project = access_project(request.user, project_id, "manage")
    user = User.objects.filter(
        email__iexact=payload.email, org_memberships__org=project.org
    ).first()
    if user is None:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {"email": [f"{payload.email} is not a member of {project.org.name}."]}
        )
    membership = services.project_member_set(
        actor=request.user, project=project, user=user, role=payload.role
    )
    return _member_out(membership)


@router.delete("/projects/{project_id}/members/{user_id}", response={204: None})
def project_member_remove(request, project_id: int, user_id: int):
    project = access_project(request.user, project_id, "manage")
    user = User.objects.filter(pk=user_id, project_memberships__project=project).first()
    if user is None:
        raise Http404
    services.project_member_remove(actor=request.user, project=project, user=user)
    return Status(204, None)


@router.get("/projects/{project_id}/history", response=list[HistoryOut], summary="Audit history")
@paginate(LimitOffsetPagination)
def project_history(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return history_for_project(project.pk)
