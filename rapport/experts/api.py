"""The experts API: the directory and its "who knows about X?" search, experts, the catalogue of
areas, a project's areas (and which have no expert consulted), the areas of an activity, and the
Consulted suggestion. Same services and selectors as the pages."""

from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import PROJECT_NEEDS, access_org, access_project
from rapport.projects.models import Project
from rapport.stakeholders.models import Party

from . import selectors, services
from .models import Expert, Expertise

router = Router(tags=["experts"])

AvailabilityIn = Literal["available", "limited", "unavailable"]
MAX_IDS = 200


class AreaOut(Schema):
    id: int
    name: str
    description: str


class AreaIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=300)


class HelpedOut(Schema):
    id: int
    code: str
    name: str
    from_raci: bool


class ExpertOut(Schema):
    id: int
    party_id: int
    name: str
    areas: list[AreaOut]
    availability: str
    availability_note: str
    notes: str
    helped_projects: list[HelpedOut]

    @staticmethod
    def resolve_name(e):
        return e.party.name

    @staticmethod
    def resolve_areas(e):
        return list(e.areas.all())

    @staticmethod
    def resolve_helped_projects(e):
        return getattr(e, "helped", [])


class ExpertPageOut(Schema):
    count: int
    items: list[ExpertOut]


class ExpertPatch(Schema):
    area_ids: list[int] = Field(None, max_length=MAX_IDS)
    new_areas: list[str] = Field(None, max_length=50)
    availability: AvailabilityIn = None
    availability_note: str = Field(None, max_length=200)
    notes: str = Field(None, max_length=20000)
    helped_project_ids: list[int] = Field(None, max_length=MAX_IDS)


class ExpertIn(ExpertPatch):
    party_id: int


class ActivityBrief(Schema):
    id: int
    name: str
    status: str


class ExpertBrief(Schema):
    id: int
    party_id: int
    name: str
    availability: str


class ProjectAreaOut(Schema):
    area: AreaOut
    activities: list[ActivityBrief]
    experts_consulted: list[ExpertBrief]
    without_expert: bool


class ConsultSuggestionOut(Schema):
    area_id: int
    activity_id: int
    activity_name: str
    expert: ExpertBrief


class ProjectAreasOut(Schema):
    areas: list[ProjectAreaOut]
    areas_without_expert: list[str]
    suggestions: list[ConsultSuggestionOut]


class ActivityAreasIn(Schema):
    area_ids: list[int] = Field(..., max_length=MAX_IDS)


class ConsultIn(Schema):
    activity_id: int
    expert_id: int


def _brief(e: Expert) -> dict:
    return {
        "id": e.pk,
        "party_id": e.party_id,
        "name": e.party.name,
        "availability": e.availability,
    }


def _areas(org, ids, field="area_ids") -> list[Expertise]:
    ids = list(dict.fromkeys(ids))
    areas = list(Expertise.objects.filter(org=org, pk__in=ids))
    if len(areas) != len(ids):
        raise ValidationError({field: ["No such area in this organisation's catalogue."]})
    return areas


def _fields(request, org, data: dict) -> dict:
    if "area_ids" in data:
        data["areas"] = _areas(org, data.pop("area_ids"))
    if "helped_project_ids" in data:
        ids = list(dict.fromkeys(data.pop("helped_project_ids")))
        visible = selectors.visible_project_ids(request.user, org)
        projects = list(Project.objects.filter(org=org, pk__in=ids))
        if len(projects) != len(ids) or (
            visible is not None and any(p.pk not in visible for p in projects)
        ):
            raise ValidationError({"helped_project_ids": ["No such project you can see."]})
        data["helped_projects"] = projects
    if data.get("new_areas") is None:
        data.pop("new_areas", None)
    for name in ("availability_note", "notes"):
        if name in data and data[name] is None:
            data[name] = ""
    return data


def _one(request, org, expert_id) -> Expert:
    expert = selectors.expert_get(org, expert_id)
    return selectors.with_helped_projects(
        [expert], visible=selectors.visible_project_ids(request.user, org)
    )[0]


# --- the catalogue ------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/expertise",
    response=list[AreaOut],
    summary="The organisation's catalogue of areas of expertise",
)
@paginate(LimitOffsetPagination)
def expertise_index(request, slug: str):
    return selectors.expertise_list(access_org(request.user, slug, "member"))


@router.post("/orgs/{slug}/expertise", response={201: AreaOut}, summary="Add an area of expertise")
def expertise_create(request, slug: str, payload: AreaIn):
    org = access_org(request.user, slug, "member")
    area = services.expertise_create(actor=request.user, org=org, **payload.dict())
    return Status(201, area)


@router.patch(
    "/orgs/{slug}/expertise/{expertise_id}", response=AreaOut, summary="Rename an area of expertise"
)
def expertise_update(request, slug: str, expertise_id: int, payload: AreaIn):
    org = access_org(request.user, slug, "owner")
    area = selectors.expertise_get(org, expertise_id)
    return services.expertise_update(actor=request.user, area=area, **payload.dict())


@router.delete(
    "/orgs/{slug}/expertise/{expertise_id}",
    response={204: None},
    summary="Remove an area from the catalogue",
)
def expertise_delete(request, slug: str, expertise_id: int):
    org = access_org(request.user, slug, "owner")
    services.expertise_delete(actor=request.user, area=selectors.expertise_get(org, expertise_id))
    return Status(204, None)


# --- the directory ------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/experts",
    response=ExpertPageOut,
    summary="The directory of experts; q: who knows about X (area name or notes)",
)
def expert_index(
    request,
    slug: str,
    q: str = "",
    area_id: int | None = None,
    availability: AvailabilityIn | None = None,
    limit: int = 50,
    offset: int = 0,
):
    org = access_org(request.user, slug, "member")
    if len(q) > 100:
        raise ValidationError({"q": ["Search for at most 100 characters."]})
    if not 1 <= limit <= 200:
        raise ValidationError({"limit": ["Use 1 to 200."]})
    if offset < 0:
        raise ValidationError({"offset": ["Use 0 or more."]})
    found = selectors.expert_search(org, q, area_id=area_id, availability=availability or "")
    items = selectors.with_helped_projects(
        found[offset : offset + limit], visible=selectors.visible_project_ids(request.user, org)
    )
    return {"count": found.count(), "items": items}


@router.post(
    "/orgs/{slug}/experts",
    response={201: ExpertOut},
    summary="Add a party of the register to the directory of experts",
)
def expert_create(request, slug: str, payload: ExpertIn):
    org = access_org(request.user, slug, "member")
    data = payload.dict(exclude_unset=True)
    party = Party.objects.filter(org=org, pk=data.pop("party_id")).first()
    if party is None:
        raise ValidationError({"party_id": ["No such party in this organisation's register."]})
    fields = _fields(request, org, data)
    fields.setdefault("areas", [])
    expert = services.expert_create(actor=request.user, org=org, party=party, **fields)
    return Status(201, _one(request, org, expert.pk))


@router.get("/orgs/{slug}/experts/{expert_id}", response=ExpertOut, summary="One expert")
def expert_get(request, slug: str, expert_id: int):
    org = access_org(request.user, slug, "member")
    return _one(request, org, expert_id)


@router.patch(
    "/orgs/{slug}/experts/{expert_id}",
    response=ExpertOut,
    summary="Change an expert's areas, availability, notes or projects; only the fields sent change",
)
def expert_update(request, slug: str, expert_id: int, payload: ExpertPatch):
    org = access_org(request.user, slug, "member")
    expert = selectors.expert_get(org, expert_id)
    fields = _fields(request, org, payload.dict(exclude_unset=True))
    if "helped_projects" in fields:  # projects this caller may not see keep their tick
        visible = selectors.visible_project_ids(request.user, org)
        if visible is not None:
            hidden = expert.helped_projects.exclude(pk__in=visible)
            fields["helped_projects"] = [*fields["helped_projects"], *hidden]
    services.expert_update(actor=request.user, expert=expert, **fields)
    return _one(request, org, expert_id)


@router.delete(
    "/orgs/{slug}/experts/{expert_id}",
    response={204: None},
    summary="Take an expert out of the directory (the party stays in the register)",
)
def expert_delete(request, slug: str, expert_id: int):
    org = access_org(request.user, slug, "owner")
    services.expert_delete(actor=request.user, expert=selectors.expert_get(org, expert_id))
    return Status(204, None)


# --- a project's areas --------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/expert-areas",
    response=ProjectAreasOut,
    summary="The project's areas of expertise, those with no expert consulted, and suggestions",
)
def project_areas(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    found = selectors.project_areas(project)
    return {
        "areas": [
            {
                "area": a.area,
                "activities": a.activities,
                "experts_consulted": [_brief(e) for e in a.consulted],
                "without_expert": a.without_expert,
            }
            for a in found.areas
        ],
        "areas_without_expert": [a.area.name for a in found.areas if a.without_expert],
        "suggestions": [
            {
                "area_id": s["area"].pk,
                "activity_id": s["activity"].pk,
                "activity_name": s["activity"].name,
                "expert": _brief(s["expert"]),
            }
            for s in found.suggestions
        ],
    }


@router.put(
    "/projects/{project_id}/activities/{activity_id}/expert-areas",
    response=list[AreaOut],
    summary="Set the areas of expertise an activity touches",
)
def activity_areas_set(request, project_id: int, activity_id: int, payload: ActivityAreasIn):
    project = access_project(request.user, project_id, "contribute")
    activity = selectors.activity_get(project, activity_id)
    areas = _areas(project.org, payload.area_ids)
    return services.activity_areas_set(actor=request.user, activity=activity, areas=areas)


@router.post(
    "/projects/{project_id}/expert-consultations",
    response={201: dict},
    summary="Add an expert as Consulted on an activity (and to the project, for a manager)",
)
def expert_consult(request, project_id: int, payload: ConsultIn):
    project = access_project(request.user, project_id, "contribute")
    activity = selectors.activity_get(project, payload.activity_id)
    expert = (
        Expert.objects.filter(org_id=project.org_id, pk=payload.expert_id)
        .select_related("party")
        .first()
    )
    if expert is None:
        raise ValidationError({"expert_id": ["No such expert in this organisation."]})
    services.expert_consult(
        actor=request.user,
        activity=activity,
        expert=expert,
        can_add_stakeholder=project.user_level >= PROJECT_NEEDS["manage"],
    )
    return Status(201, {"activity_id": activity.pk, "party_id": expert.party_id, "letter": "C"})
