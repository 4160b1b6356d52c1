"""The service-level agreements API: agreements, their obligations on both sides, and the
breaches (measured by Rapport and recorded by people). Same services and selectors as the pages."""

import datetime
from datetime import timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from rapport.accounts.access import access_project

from . import selectors, services
from .models import Obligation

router = Router(tags=["slas"])

SideIn = Literal["it", "business"]
KindIn = Literal[
    "question-response",
    "report-cadence",
    "decision-turnaround",
    "sign-off",
    "meeting-attendance",
    "promise-dates",
    "other",
]


class ObligationOut(Schema):
    id: int
    agreement_id: int
    side: str
    kind: str
    target: int
    unit: str
    description: str
    text: str
    measured: bool

    @staticmethod
    def resolve_text(o):
        return o.target_text


class AgreementOut(Schema):
    id: int
    title: str
    agreed_on: datetime.date
    active: bool
    notes: str
    obligations: list[ObligationOut]

    @staticmethod
    def resolve_obligations(a):
        return list(a.obligations.all())


class AgreementPatch(Schema):
    title: str = Field(None, min_length=1, max_length=200)
    agreed_on: datetime.date = None
    active: bool = None
    notes: str = Field(None, max_length=20000)


class AgreementIn(AgreementPatch):
    title: str = Field(..., min_length=1, max_length=200)
    agreed_on: datetime.date


class ObligationPatch(Schema):
    side: SideIn = None
    kind: KindIn = None
    target: int = Field(None, ge=0, le=100000)
    description: str = Field(None, max_length=300)


class ObligationIn(ObligationPatch):
    side: SideIn
    kind: KindIn
    target: int = Field(..., ge=0, le=100000)


class BreachOut(Schema):
    id: int | None
    obligation_id: int
    side: str
    on: datetime.date
    what: str
    measured: bool


class BreachesOut(Schema):
    days: int
    by_it: int | None
    by_business: int | None
    breaches: list[BreachOut]


class SlaBreachIn(Schema):
    obligation_id: int
    occurred_on: datetime.date
    what: str = Field(..., min_length=1, max_length=5000)


@router.get(
    "/projects/{project_id}/agreements",
    response=list[AgreementOut],
    summary="Agreements between IT and the business, with their obligations",
)
def agreement_index(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return list(selectors.agreement_list(project))


@router.post(
    "/projects/{project_id}/agreements",
    response={201: AgreementOut},
    summary="Record an agreement",
)
def agreement_create(request, project_id: int, payload: AgreementIn):
    project = access_project(request.user, project_id, "manage")
    agreement = services.agreement_create(
        actor=request.user, project=project, **payload.dict(exclude_unset=True)
    )
    return Status(201, selectors.agreement_get(project, agreement.pk))


@router.patch(
    "/projects/{project_id}/agreements/{agreement_id}",
    response=AgreementOut,
    summary="Change an agreement; only the fields sent change",
)
def agreement_update(request, project_id: int, agreement_id: int, payload: AgreementPatch):
    project = access_project(request.user, project_id, "manage")
    agreement = selectors.agreement_get(project, agreement_id)
    services.agreement_update(
        actor=request.user, agreement=agreement, **payload.dict(exclude_unset=True)
    )
    return selectors.agreement_get(project, agreement_id)


@router.post(
    "/projects/{project_id}/agreements/{agreement_id}/obligations",
    response={201: ObligationOut},
    summary="Add an obligation (IT's or the business's) to an agreement",
)
def obligation_create(request, project_id: int, agreement_id: int, payload: ObligationIn):
    project = access_project(request.user, project_id, "manage")
    agreement = selectors.agreement_get(project, agreement_id)
    obligation = services.obligation_add(
        actor=request.user, agreement=agreement, **payload.dict(exclude_unset=True)
    )
    return Status(201, obligation)


@router.patch(
    "/projects/{project_id}/obligations/{obligation_id}",
    response=ObligationOut,
    summary="Change an obligation; only the fields sent change",
)
def obligation_update(request, project_id: int, obligation_id: int, payload: ObligationPatch):
    project = access_project(request.user, project_id, "manage")
    obligation = selectors.obligation_get(project, obligation_id)
    return services.obligation_update(
        actor=request.user, obligation=obligation, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/projects/{project_id}/obligations/{obligation_id}",
    response={204: None},
    summary="Delete an obligation and the breaches recorded against it",
)
def obligation_delete(request, project_id: int, obligation_id: int):
    project = access_project(request.user, project_id, "manage")
    services.obligation_delete(
        actor=request.user, obligation=selectors.obligation_get(project, obligation_id)
    )
    return Status(204, None)


@router.get(
    "/projects/{project_id}/sla-breaches",
    response=BreachesOut,
    summary="Breaches by each side in the last N days, measured and recorded, newest first",
)
def breach_index(request, project_id: int, days: int | None = None):
    project = access_project(request.user, project_id, "view")
    if days is not None and not 1 <= days <= 3660:
        raise ValidationError({"days": ["Use 1 to 3660 days."]})
    days = days or selectors.window_days(project)
    now = timezone.now()
    since = now - timedelta(days=days)
    rows = selectors.breaches(project, since=since, now=now)
    by_it, by_business = (
        selectors.counts_of(rows) if selectors.has_agreement(project) else (None, None)
    )
    return {
        "days": days,
        "by_it": by_it,
        "by_business": by_business,
        "breaches": [
            {
                "id": r.breach.pk if r.breach else None,
                "obligation_id": r.obligation.pk,
                "side": r.side,
                "on": r.on,
                "what": r.what,
                "measured": r.measured,
            }
            for r in rows
        ],
    }


@router.post(
    "/projects/{project_id}/sla-breaches",
    response={201: BreachOut},
    summary="Record a breach Rapport cannot see by itself",
)
def breach_create(request, project_id: int, payload: SlaBreachIn):
    project = access_project(request.user, project_id, "contribute")
    obligation = (
        Obligation.objects.filter(agreement__project=project, pk=payload.obligation_id)
        .select_related("agreement")
        .first()
    )
    if obligation is None:
        raise ValidationError({"obligation_id": ["No such obligation on this project."]})
    breach = services.breach_record(
        actor=request.user,
        obligation=obligation,
        occurred_on=payload.occurred_on,
        what=payload.what,
    )
    return Status(
        201,
        {
            "id": breach.pk,
            "obligation_id": obligation.pk,
            "side": obligation.side,
            "on": breach.occurred_on,
            "what": breach.what,
            "measured": False,
        },
    )


@router.delete(
    "/projects/{project_id}/sla-breaches/{breach_id}",
    response={204: None},
    summary="Delete a recorded breach",
)
def breach_delete(request, project_id: int, breach_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.breach_delete(actor=request.user, breach=selectors.breach_get(project, breach_id))
    return Status(204, None)
