"""The lessons learned API: a project's lessons (capture, change, delete), their contributors and
follow-ups, the lessons a project applies from elsewhere, the ones that may apply, and the
organisation's library search with reuse counts. Same services and selectors as the pages."""

import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_org, access_project
from rapport.raci.models import Activity, Phase
from rapport.stakeholders.models import Party

from . import selectors, services
from .models import LessonCategory

router = Router(tags=["lessons"])
User = get_user_model()

Category = Literal[tuple(LessonCategory.values)]  # type: ignore[valid-type]
ImpactLevel = Literal["low", "medium", "high"]
SideName = Literal["business", "it"]
StatusName = Literal["open", "in_progress", "done"]


class LessonListOut(Schema):
    id: int
    project_id: int
    project_code: str
    title: str
    what_happened: str
    recommendation: str
    category: str
    impact: str
    tags: list[str]
    captured_on: datetime.date
    reuse_count: int

    @staticmethod
    def resolve_project_code(lesson):
        return lesson.project.code

    @staticmethod
    def resolve_tags(lesson):
        return lesson.tag_list


class ContributorOut(Schema):
    id: int
    name: str
    side: str
    party_id: int | None
    user_id: int | None


class FollowUpOut(Schema):
    id: int
    action: str
    owner_name: str
    owner_party_id: int | None
    owner_user_id: int | None
    status: str
    due_on: datetime.date | None


class LessonOut(LessonListOut):
    captured_by_name: str | None
    phase_ids: list[int]
    activity_ids: list[int]
    contributors: list[ContributorOut]
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_captured_by_name(lesson):
        return lesson.captured_by.display_name if lesson.captured_by else None

    @staticmethod
    def resolve_phase_ids(lesson):
        return [p.pk for p in lesson.phases.all()]

    @staticmethod
    def resolve_activity_ids(lesson):
        return [a.pk for a in lesson.activities.all()]

    @staticmethod
    def resolve_contributors(lesson):
        return list(lesson.contributors.all())

    @staticmethod
    def resolve_follow_ups(lesson):
        return list(lesson.follow_ups.all())


class RelevantOut(LessonListOut):
    score: int
    applied_here: bool


class LessonPatch(Schema):
    title: str = Field(None, min_length=1, max_length=200)
    what_happened: str = Field(None, min_length=1, max_length=20000)
    recommendation: str = Field(None, min_length=1, max_length=20000)
    category: Category = None
    impact: ImpactLevel = None
    tags: list[str] | str = Field(None, description="A list, or one text separated by commas")
    captured_on: datetime.date = None
    phase_ids: list[int] = Field(None, max_length=200)
    activity_ids: list[int] = Field(None, max_length=500)


class LessonIn(LessonPatch):
    title: str = Field(..., min_length=1, max_length=200)
    what_happened: str = Field(..., min_length=1, max_length=20000)
    recommendation: str = Field(..., min_length=1, max_length=20000)
    category: Category


class ContributorIn(Schema):
    side: SideName
    party_id: int | None = None
    user_id: int | None = None


class FollowUpPatch(Schema):
    action: str = Field(None, min_length=1, max_length=300)
    owner_party_id: int | None = None
    owner_user_id: int | None = None
    status: StatusName = None
    due_on: datetime.date | None = None


class FollowUpIn(FollowUpPatch):
    action: str = Field(..., min_length=1, max_length=300)


class ApplyIn(Schema):
    lesson_id: int
    applied_on: datetime.date = None
    note: str = Field("", max_length=500)


class ApplicationOut(Schema):
    lesson_id: int
    lesson_title: str
    from_project_code: str
    applied_on: datetime.date
    note: str
    applied_by_name: str | None

    @staticmethod
    def resolve_lesson_title(a):
        return a.lesson.title

    @staticmethod
    def resolve_from_project_code(a):
        return a.lesson.project.code

    @staticmethod
    def resolve_applied_by_name(a):
        return a.applied_by.display_name if a.applied_by else None


class AppliedOut(Schema):
    created: bool
    message: str
    application: ApplicationOut


def _party(org_id, party_id, field):
    if party_id is None:
        return None
    party = Party.objects.filter(org_id=org_id, pk=party_id).first()
    if party is None:
        raise ValidationError({field: ["No such party in this organisation's register."]})
    return party


def _user(org_id, user_id, field):
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, org_memberships__org_id=org_id).first()
    if user is None:
        raise ValidationError({field: ["No such person in this organisation."]})
    return user


def _lesson_fields(project, data: dict) -> dict:
    """The payload as service fields: ids become the project's phases and activities."""
    for key, model, name in (
        ("phase_ids", Phase, "phases"),
        ("activity_ids", Activity, "activities"),
    ):
        if key not in data:
            continue
        ids = set(data.pop(key) or [])
        found = list(model.objects.filter(project=project, pk__in=ids))
        if len(found) != len(ids):
            raise ValidationError(
                {key: [f"No such {name[:-1].replace('ie', 'y')} on this project."]}
            )
        data[name] = found
    return data


def _follow_up_fields(lesson, data: dict) -> dict:
    if "owner_party_id" in data:
        data["owner_party"] = _party(lesson.org_id, data.pop("owner_party_id"), "owner_party_id")
    if "owner_user_id" in data:
        data["owner_user"] = _user(lesson.org_id, data.pop("owner_user_id"), "owner_user_id")
    return data


@router.get(
    "/projects/{project_id}/lessons",
    response=list[LessonListOut],
    summary="The project's lessons learned, newest first, with reuse counts",
)
@paginate(LimitOffsetPagination)
def lesson_index(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.lesson_list(project)


@router.post(
    "/projects/{project_id}/lessons",
    response={201: LessonOut},
    summary="Capture a lesson while the project runs",
)
def lesson_create(request, project_id: int, payload: LessonIn):
    project = access_project(request.user, project_id, "contribute")
    fields = _lesson_fields(project, payload.dict(exclude_unset=True))
    lesson = services.lesson_capture(actor=request.user, project=project, **fields)
    return Status(201, selectors.lesson_get(project, lesson.pk))


@router.get(
    "/projects/{project_id}/lessons/{lesson_id}",
    response=LessonOut,
    summary="One lesson, with its contributors and follow-ups",
)
def lesson_get(request, project_id: int, lesson_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.lesson_get(project, lesson_id)


@router.patch(
    "/projects/{project_id}/lessons/{lesson_id}",
    response=LessonOut,
    summary="Change a lesson; only the fields sent change",
)
def lesson_update(request, project_id: int, lesson_id: int, payload: LessonPatch):
    project = access_project(request.user, project_id, "contribute")
    lesson = selectors.lesson_get(project, lesson_id)
    fields = _lesson_fields(project, payload.dict(exclude_unset=True))
    services.lesson_update(actor=request.user, lesson=lesson, **fields)
    return selectors.lesson_get(project, lesson_id)


@router.delete(
    "/projects/{project_id}/lessons/{lesson_id}", response={204: None}, summary="Delete a lesson"
)
def lesson_delete(request, project_id: int, lesson_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.lesson_delete(actor=request.user, lesson=selectors.lesson_get(project, lesson_id))
    return Status(204, None)


@router.post(
    "/projects/{project_id}/lessons/{lesson_id}/contributors",
    response={201: ContributorOut},
    summary="Record who contributed to a lesson, from the business or IT",
)
def contributor_create(request, project_id: int, lesson_id: int, payload: ContributorIn):
    project = access_project(request.user, project_id, "contribute")
    lesson = selectors.lesson_get(project, lesson_id)
    contributor = services.lesson_contributor_add(
        actor=request.user,
        lesson=lesson,
        side=payload.side,
        party=_party(project.org_id, payload.party_id, "party_id"),
        user=_user(project.org_id, payload.user_id, "user_id"),
    )
    return Status(201, contributor)


@router.delete(
    "/projects/{project_id}/lessons/{lesson_id}/contributors/{contributor_id}",
    response={204: None},
    summary="Remove a contributor from a lesson",
)
def contributor_delete(request, project_id: int, lesson_id: int, contributor_id: int):
    project = access_project(request.user, project_id, "contribute")
    lesson = selectors.lesson_get(project, lesson_id)
    services.lesson_contributor_remove(
        actor=request.user, contributor=selectors.contributor_get(lesson, contributor_id)
    )
    return Status(204, None)


@router.post(
    "/projects/{project_id}/lessons/{lesson_id}/follow-ups",
    response={201: FollowUpOut},
    summary="Pass a lesson on: an action owned by an executive",
)
def follow_up_create(request, project_id: int, lesson_id: int, payload: FollowUpIn):
    project = access_project(request.user, project_id, "contribute")
    lesson = selectors.lesson_get(project, lesson_id)
    fields = _follow_up_fields(lesson, payload.dict(exclude_unset=True))
    follow_up = services.lesson_follow_up_create(actor=request.user, lesson=lesson, **fields)
    return Status(201, follow_up)


@router.patch(
    "/projects/{project_id}/lessons/{lesson_id}/follow-ups/{follow_up_id}",
    response=FollowUpOut,
    summary="Change a follow-up (its status, usually)",
)
def follow_up_update(
    request, project_id: int, lesson_id: int, follow_up_id: int, payload: FollowUpPatch
):
    project = access_project(request.user, project_id, "contribute")
    lesson = selectors.lesson_get(project, lesson_id)
    follow_up = selectors.follow_up_get(lesson, follow_up_id)
    fields = _follow_up_fields(lesson, payload.dict(exclude_unset=True))
    return services.lesson_follow_up_update(actor=request.user, follow_up=follow_up, **fields)


@router.get(
    "/projects/{project_id}/relevant-lessons",
    response=list[RelevantOut],
    summary="Lessons of the organisation's other projects that may apply to this one",
)
def relevant_lessons(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.lessons_relevant_to(project, request.user)


@router.get(
    "/projects/{project_id}/applied-lessons",
    response=list[ApplicationOut],
    summary="Lessons of other projects this project applied, newest first",
)
@paginate(LimitOffsetPagination)
def application_index(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.applied_here(project)


@router.post(
    "/projects/{project_id}/applied-lessons",
    response={200: AppliedOut, 201: AppliedOut},
    summary="Apply a lesson of another project to this one (201; 200 when applied before)",
)
def application_create(request, project_id: int, payload: ApplyIn):
    project = access_project(request.user, project_id, "contribute")
    lesson = selectors.visible_lessons(request.user, project.org).filter(pk=payload.lesson_id)
    lesson = lesson.select_related("project").first()
    if lesson is None:
        raise ValidationError({"lesson_id": ["No such lesson on a project you can see."]})
    applied = services.lesson_apply(
        actor=request.user,
        lesson=lesson,
        project=project,
        applied_on=payload.applied_on,
        note=payload.note,
    )
    body = {
        "created": applied.created,
        "message": applied.message,
        "application": applied.application,
    }
    return Status(201 if applied.created else 200, body)


@router.delete(
    "/projects/{project_id}/applied-lessons/{reuse_lesson_id}",
    response={204: None},
    summary="Take back an application recorded by mistake",
)
def application_delete(request, project_id: int, reuse_lesson_id: int):
    project = access_project(request.user, project_id, "contribute")
    application = selectors.application_get(project, reuse_lesson_id)
    services.lesson_unapply(actor=request.user, application=application)
    return Status(204, None)


class LibraryFilters(Schema):
    q: str = Field("", max_length=200, description="Every word must be found")
    category: Category | Literal[""] = ""
    tag: str = Field("", max_length=40)
    not_reused: bool = False


@router.get(
    "/orgs/{slug}/lessons",
    response=list[LessonListOut],
    summary="Search the organisation's lessons (of the projects you may see), with reuse counts",
)
@paginate(LimitOffsetPagination)
def library(request, slug: str, filters: Query[LibraryFilters]):
    org = access_org(request.user, slug, "member")
    return selectors.lesson_search(
        request.user,
        org,
        filters.q,
        category=filters.category,
        tag=filters.tag,
        not_reused=filters.not_reused,
    )
