"""The education API: the topic catalogue, explanations, who has seen what, and the "let me
restate…" suggestions for a meeting. Same services and selectors as the pages.

The catalogue belongs to the organisation: any member reads it; a manager of one of its projects
edits it (through that project), as on the pages."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_org, access_project
from rapport.stakeholders.models import ProjectStakeholder

from . import selectors, services

router = Router(tags=["education"])

UnderstandingIn = Literal["not_yet", "partly", "understood"]
MAX_AUDIENCE = 500


class TopicOut(Schema):
    id: int
    name: str
    restate: str
    keywords: str
    on_target_missed: bool


class TopicPatch(Schema):
    name: str = Field(None, min_length=1, max_length=120)
    restate: str = Field(None, max_length=400)
    keywords: str = Field(None, max_length=300)
    on_target_missed: bool = None


class TopicIn(TopicPatch):
    name: str = Field(..., min_length=1, max_length=120)


class AudienceOut(Schema):
    stakeholder_id: int
    name: str
    understanding: str

    @staticmethod
    def resolve_name(a):
        return a.stakeholder.party.name


class ExplanationOut(Schema):
    id: int
    topic_id: int
    topic_name: str
    explained_on: datetime.date
    meeting_id: int | None
    notes: str
    audience: list[AudienceOut]

    @staticmethod
    def resolve_topic_name(e):
        return e.topic.name

    @staticmethod
    def resolve_audience(e):
        return list(e.audience.all())


class AudienceIn(Schema):
    stakeholder_id: int
    understanding: UnderstandingIn = "not_yet"


class ExplanationPatch(Schema):
    topic_id: int = None
    explained_on: datetime.date = None
    meeting_id: int | None = None
    notes: str = Field(None, max_length=20000)
    audience: list[AudienceIn] = Field(None, min_length=1, max_length=MAX_AUDIENCE)


class ExplanationIn(ExplanationPatch):
    topic_id: int
    explained_on: datetime.date
    audience: list[AudienceIn] = Field(..., min_length=1, max_length=MAX_AUDIENCE)


class UnderstandingCellOut(Schema):
    topic_id: int
    understanding: str | None
    when: datetime.date | None


class GridRowOut(Schema):
    stakeholder_id: int
    name: str
    topics: list[UnderstandingCellOut]


class RestateSuggestionOut(Schema):
    topic_id: int
    topic_name: str
    reason: str
    sentence: str
    stakeholder_ids: list[int]
    names: list[str]


def _fields(project, data: dict) -> dict:
    if "topic_id" in data:
        topic = selectors.topic_list(project.org).filter(pk=data.pop("topic_id")).first()
        if topic is None:
            raise ValidationError({"topic_id": ["No such topic in the catalogue."]})
        data["topic"] = topic
    if "meeting_id" in data:
        meeting_id = data.pop("meeting_id")
        data["meeting"] = None
        if meeting_id is not None:
            data["meeting"] = selectors.meeting_choices(project).filter(pk=meeting_id).first()
            if data["meeting"] is None:
                raise ValidationError({"meeting_id": ["No such meeting on this project."]})
    if data.get("audience") is not None:
        rows = data.pop("audience")
        ids = [r["stakeholder_id"] for r in rows]
        if len(set(ids)) != len(ids):
            raise ValidationError({"audience": ["Name each stakeholder once."]})
        found = {
            s.pk: s
            for s in ProjectStakeholder.objects.filter(project=project, pk__in=ids).select_related(
                "party"
            )
        }
        if len(found) != len(ids):
            raise ValidationError({"audience": ["No such stakeholder on this project."]})
        data["audience"] = {found[r["stakeholder_id"]]: r["understanding"] for r in rows}
    else:
        data.pop("audience", None)
    if "notes" in data and data["notes"] is None:
        data["notes"] = ""
    return data


# --- topics -----------------------------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/education-topics",
    response=list[TopicOut],
    summary="The organisation's catalogue of topics to explain to the business",
)
@paginate(LimitOffsetPagination)
def topic_index(request, slug: str):
    return selectors.topic_list(access_org(request.user, slug, "member"))


@router.post(
    "/projects/{project_id}/education-topics",
    response={201: TopicOut},
    summary="Add a topic to the organisation's catalogue (a manager of the project)",
)
def topic_create(request, project_id: int, payload: TopicIn):
    project = access_project(request.user, project_id, "manage")
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    return Status(201, services.topic_create(actor=request.user, org=project.org, **fields))


@router.patch(
    "/projects/{project_id}/education-topics/{education_topic_id}",
    response=TopicOut,
    summary="Change a topic of the catalogue; only the fields sent change",
)
def topic_update(request, project_id: int, education_topic_id: int, payload: TopicPatch):
    project = access_project(request.user, project_id, "manage")
    topic = selectors.topic_get(project.org, education_topic_id)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.topic_update(actor=request.user, topic=topic, **fields)


@router.delete(
    "/projects/{project_id}/education-topics/{education_topic_id}",
    response={204: None},
    summary="Remove a topic nobody was taught yet",
)
def topic_delete(request, project_id: int, education_topic_id: int):
    project = access_project(request.user, project_id, "manage")
    services.topic_delete(
        actor=request.user, topic=selectors.topic_get(project.org, education_topic_id)
    )
    return Status(204, None)


# --- explanations -----------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/explanations",
    response=list[ExplanationOut],
    summary="What was explained to whom on the project, newest first",
)
@paginate(LimitOffsetPagination)
def explanation_index(
    request, project_id: int, stakeholder_id: int | None = None, topic_id: int | None = None
):
    project = access_project(request.user, project_id, "view")
    return selectors.explanation_list(project, stakeholder_id=stakeholder_id, topic_id=topic_id)


@router.post(
    "/projects/{project_id}/explanations",
    response={201: ExplanationOut},
    summary="Record a topic explained to stakeholders, and their understanding afterwards",
)
def explanation_create(request, project_id: int, payload: ExplanationIn):
    project = access_project(request.user, project_id, "contribute")
    fields = _fields(project, payload.dict(exclude_unset=True))
    explanation = services.explanation_record(actor=request.user, project=project, **fields)
    return Status(201, selectors.explanation_get(project, explanation.pk))


@router.get(
    "/projects/{project_id}/explanations/{explanation_id}",
    response=ExplanationOut,
    summary="One explanation",
)
def explanation_get(request, project_id: int, explanation_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.explanation_get(project, explanation_id)


@router.patch(
    "/projects/{project_id}/explanations/{explanation_id}",
    response=ExplanationOut,
    summary="Change an explanation or its audience's understanding; only the fields sent change",
)
def explanation_update(request, project_id: int, explanation_id: int, payload: ExplanationPatch):
    project = access_project(request.user, project_id, "contribute")
    explanation = selectors.explanation_get(project, explanation_id)
    fields = _fields(project, payload.dict(exclude_unset=True))
    services.explanation_update(actor=request.user, explanation=explanation, **fields)
    return selectors.explanation_get(project, explanation_id)


@router.delete(
    "/projects/{project_id}/explanations/{explanation_id}",
    response={204: None},
    summary="Delete an explanation",
)
def explanation_delete(request, project_id: int, explanation_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.explanation_delete(
        actor=request.user, explanation=selectors.explanation_get(project, explanation_id)
    )
    return Status(204, None)


@router.get(
    "/projects/{project_id}/understanding",
    response=list[GridRowOut],
    summary="Who has seen what: each stakeholder's understanding of each topic",
)
@paginate(LimitOffsetPagination)
def understanding_index(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return _Grid(project)


class _Grid:
    """The stakeholders, sliced by the paginator, each turned into a row of the grid: a page
    costs the same few queries whatever its offset."""

    def __init__(self, project):
        self.project = project
        self.stakeholders = selectors.stakeholder_choices(project)

    def count(self):
        return self.stakeholders.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        topics = list(selectors.topic_list(self.project.org))
        rows = selectors.understanding_grid(self.project, self.stakeholders[item], topics)
        return [
            {
                "stakeholder_id": row["stakeholder"].pk,
                "name": row["stakeholder"].party.name,
                "topics": [
                    {
                        "topic_id": t.pk,
                        "understanding": cell["understanding"] if cell else None,
                        "when": cell["when"] if cell else None,
                    }
                    for t, cell in zip(topics, row["cells"], strict=True)
                ],
            }
            for row in rows
        ]


@router.get(
    "/projects/{project_id}/restate-suggestions",
    response=list[RestateSuggestionOut],
    summary="“Let me restate…” topics for a meeting: touched by the current work, not yet "
    "understood by some attendee",
)
def restate_suggestions(
    request, project_id: int, meeting_id: int | None = None, stakeholder_ids: str = ""
):
    project = access_project(request.user, project_id, "view")
    subject = project
    if meeting_id is not None:
        subject = selectors.meeting_choices(project).filter(pk=meeting_id).first()
        if subject is None:
            raise ValidationError({"meeting_id": ["No such meeting on this project."]})
    attendees = None
    if stakeholder_ids:
        try:
            ids = [int(x) for x in stakeholder_ids.split(",")[:MAX_AUDIENCE]]
        except ValueError:
            raise ValidationError(
                {"stakeholder_ids": ["Give stakeholder ids separated by commas."]}
            ) from None
        attendees = list(ProjectStakeholder.objects.filter(project=project, pk__in=ids))
        if len(attendees) != len(set(ids)):
            raise ValidationError({"stakeholder_ids": ["No such stakeholder on this project."]})
    return [
        {
            "topic_id": s["topic"].pk,
            "topic_name": s["topic"].name,
            "reason": s["reason"],
            "sentence": s["sentence"],
            "stakeholder_ids": [w.pk for w in s["who"]],
            "names": [w.party.name for w in s["who"]],
        }
        for s in selectors.restate_suggestions(subject, attendees)
    ]
