"""The promises API: commitments, their delivery and renegotiation, figures, expectations."""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_org, access_project
from rapport.stakeholders.models import Party, ProjectStakeholder

from . import rules, selectors, services
from .models import Renegotiation

router = Router(tags=["promises"])
User = get_user_model()


class RenegotiationOut(Schema):
    old_date: date
    old_scope: str
    new_date: date
    new_scope: str
    reason: str
    agreed_on: date
    renegotiated_by: str | None

    @staticmethod
    def resolve_renegotiated_by(r):
        return r.renegotiated_by.email if r.renegotiated_by else None


class PlanFindingOut(Schema):
    code: str
    severity: str
    message: str
    commitment_id: int
    activity_id: int | None = None  # None for over-promise (about the project's finish)


class CommitmentOut(Schema):
    id: int
    what: str
    party_id: int | None
    party: str | None
    promised_date: date
    original_date: date
    promised_scope: str
    made_by: str | None
    made_on: date
    channel: str
    made_where: str
    status: str
    state: str
    delivered_on: date | None
    delivered_scope: str
    delivery_notes: str
    broken_reason: str
    renegotiations: list[RenegotiationOut]
    activity_id: int | None
    findings: list[PlanFindingOut]

    @staticmethod
    def resolve_findings(c):
        """The plan's own dates against this promise (promise-before-plan)."""
        return [
            _plan_finding(item)
            for item in selectors.commitment_plan_findings(c)
            if item.finding.code == "promise-before-plan"
        ] + [
            # over-promise: only in the answer to recording it (the estimate moves afterwards)
            {**f.to_dict(), "commitment_id": c.pk, "activity_id": None}
            for f in getattr(c, "over_promise", [])
        ]

    @staticmethod
    def resolve_party(c):
        return c.party.name if c.party else None

    @staticmethod
    def resolve_made_by(c):
        return c.made_by.email if c.made_by else None

    @staticmethod
    def resolve_state(c):
        return rules.state(c.facts(renegotiations=0), services.project_today(c.project))

    @staticmethod
    def resolve_renegotiations(c):
        return list(c.renegotiations.all())


def _plan_finding(item) -> dict:
    finding = item.finding
    return {
        "code": finding.code,
        "severity": finding.severity,
        "message": finding.message,
        "commitment_id": item.commitment_id,
        "activity_id": item.activity_id,
    }


class CommitmentIn(Schema):
    party_id: int | None = Field(None, description="the party promised to; or give `party`")
    party: str | None = Field(None, description="… or the party's name in the register")
    what: str
    promised_date: date
    promised_scope: str = ""
    made_by: str | None = None  # e-mail; default: you
    made_on: date | None = None
    channel: str = "meeting"
    made_where: str = ""
    activity_id: int | None = Field(
        None, description="the milestone or deliverable that delivers it (its date is checked)"
    )
    on_finish: bool = Field(
        False,
        description="the promise rests on the project's finish: checked against the estimate's "
        "P80 (or P50), an earlier date answers with an over-promise warning",
    )


class PromisePolicyIn(Schema):
    realism_level: int = Field(..., description="80 (P80, the default) or 50 (P50)")


class PromisePolicyOut(Schema):
    realism_level: int


class DeliveryIn(Schema):
    delivered_on: date
    delivered_scope: str  # less, as, more
    notes: str = ""


class RenegotiationIn(Schema):
    new_date: date
    reason: str
    new_scope: str | None = None
    agreed_on: date | None = None


class BreachIn(Schema):
    reason: str


class FigureRowOut(Schema):
    label: str
    figures: dict


class MakerFiguresOut(Schema):
    label: str
    projects: int
    figures: dict


class FiguresOut(Schema):
    today: date
    project: dict
    per_pm: list[FigureRowOut]
    per_party: list[FigureRowOut]
    overdue: list[int]


class ExpectationFindingOut(Schema):
    code: str
    severity: str
    message: str


class ExpectationOut(Schema):
    id: int
    stakeholder_id: int
    holder: str
    kind: str
    words: str
    amount: Decimal | None
    expected_date: date | None
    plan_contradicts: bool
    plan_note: str
    contradicted: bool
    findings: list[ExpectationFindingOut]
    created_at: datetime

    @staticmethod
    def resolve_holder(e):
        return e.stakeholder.party.name

    @staticmethod
    def resolve_findings(e):
        return [f.to_dict() for f in e.findings]


class ExpectationIn(Schema):
    stakeholder_id: int | None = Field(None, description="the stakeholder; or give `party`")
    party: str | None = Field(None, description="… or the name of a party on the project")
    kind: str
    words: str
    amount: Decimal | None = None
    expected_date: date | None = None
    plan_contradicts: bool = False
    plan_note: str = ""


class ExpectationPatch(Schema):
    kind: str | None = None
    words: str | None = None
    amount: Decimal | None = None
    expected_date: date | None = None
    plan_contradicts: bool | None = None
    plan_note: str | None = None


def _party(project, party_id: int | None, name: str | None) -> Party:
    """The party by id or by name, in the project's organisation register."""
    parties = Party.objects.filter(org=project.org)
    if party_id is not None:
        found = list(parties.filter(pk=party_id)[:1])
        what = f"No party {party_id} in the register."
    elif name and name.strip():
        found = list(parties.filter(name__iexact=name.strip())[:2])
        what = f"No party named {name.strip()!r} in the register."
    else:
        raise ValidationError(
            {"party_id": ["Give the party: its id (party_id) or its name (party)."]}
        )
    if not found:
        raise ValidationError({"party_id": [what]})
    if len(found) > 1:
        raise ValidationError({"party": [f"Several parties are named {name!r}; give party_id."]})
    return found[0]


def _stakeholder(project, stakeholder_id: int | None, name: str | None) -> ProjectStakeholder:
    """A stakeholder of the project by id, or by its party's name."""
    stakeholders = ProjectStakeholder.objects.filter(project=project).select_related("party")
    if stakeholder_id is not None:
        found = list(stakeholders.filter(pk=stakeholder_id)[:1])
        what = f"No stakeholder {stakeholder_id} on {project.code}."
    elif name and name.strip():
        found = list(stakeholders.filter(party__name__iexact=name.strip())[:2])
        what = f"Nobody named {name.strip()!r} is a stakeholder of {project.code}."
    else:
        raise ValidationError(
            {
                "stakeholder_id": [
                    "Give the stakeholder: stakeholder_id or the party's name (party)."
                ]
            }
        )
    if not found:
        raise ValidationError({"stakeholder_id": [what]})
    if len(found) > 1:
        raise ValidationError(
            {"party": [f"Several stakeholders are named {name!r}; give stakeholder_id."]}
        )
    return found[0]


def _with_renegotiations(queryset):
    return queryset.select_related("project").prefetch_related(
        Prefetch(
            "renegotiations",
            queryset=Renegotiation.objects.select_related("renegotiated_by").order_by(
                "created_at", "pk"
            ),
        )
    )


def _commitment(project, commitment_id):
    commitment = selectors.commitment_get(project, commitment_id)
    commitment.project = project
    return commitment


def _fresh(project, commitment_id):
    return _with_renegotiations(selectors.commitment_list(project).filter(pk=commitment_id)).first()


@router.get(
    "/projects/{project_id}/commitments",
    response=list[CommitmentOut],
    summary="Promises, soonest due first (state: open, renegotiated, overdue, kept, broken)",
)
@paginate(LimitOffsetPagination)
def commitment_index(request, project_id: int, state: str = ""):
    project = access_project(request.user, project_id, "view")
    return _with_renegotiations(selectors.commitment_list(project, state=state))


@router.post(
    "/projects/{project_id}/commitments", response={201: CommitmentOut}, summary="Record a promise"
)
def commitment_create(request, project_id: int, payload: CommitmentIn):
    project = access_project(request.user, project_id, "contribute")
    party = _party(project, payload.party_id, payload.party)
    made_by = None
    if payload.made_by:
        made_by = User.objects.filter(email__iexact=payload.made_by).first()
        if made_by is None:
            raise ValidationError({"made_by": [f"No user {payload.made_by}."]})
    activity = None
    if payload.activity_id is not None:
        activity = selectors.plan_items(project).filter(pk=payload.activity_id).first()
        if activity is None:
            raise ValidationError(
                {"activity_id": ["Not a milestone or deliverable of this project's plan."]}
            )
    commitment = services.commitment_create(
        actor=request.user,
        project=project,
        party=party,
        what=payload.what,
        promised_date=payload.promised_date,
        promised_scope=payload.promised_scope,
        made_by=made_by,
        made_on=payload.made_on,
        channel=payload.channel,
        made_where=payload.made_where,
        activity=activity,
    )
    fresh = _fresh(project, commitment.pk)
    if payload.on_finish:
        fresh.over_promise = selectors.over_promise_findings(
            project, commitment.promised_date, promise_id=commitment.pk
        )
    return Status(201, fresh)


@router.get(
    "/projects/{project_id}/promise-policy",
    response=PromisePolicyOut,
    summary="The over-promise threshold: the estimate's P80 (default) or P50",
)
def promise_policy_get(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return {"realism_level": selectors.realism_level(project)}


@router.put(
    "/projects/{project_id}/promise-policy",
    response=PromisePolicyOut,
    summary="Set the over-promise threshold: 80 (P80) or 50 (P50)",
)
def promise_policy_put(request, project_id: int, payload: PromisePolicyIn):
    project = access_project(request.user, project_id, "manage")
    policy = services.promise_policy_set(
        actor=request.user, project=project, realism_level=payload.realism_level
    )
    return {"realism_level": policy.realism_level}


@router.get(
    "/projects/{project_id}/plan-date-findings",
    response=list[PlanFindingOut],
    summary="Promises dated before the plan item that delivers them: on the promise and the item",
)
def plan_date_findings(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return [_plan_finding(item) for item in selectors.plan_date_findings(project).items]


@router.get("/projects/{project_id}/commitments/{commitment_id}", response=CommitmentOut)
def commitment_get(request, project_id: int, commitment_id: int):
    project = access_project(request.user, project_id, "view")
    return _commitment(project, commitment_id)


@router.post(
    "/projects/{project_id}/commitments/{commitment_id}/delivery",
    response=CommitmentOut,
    summary="Record what was delivered and when (kept or broken follows)",
)
def commitment_deliver(request, project_id: int, commitment_id: int, payload: DeliveryIn):
    project = access_project(request.user, project_id, "contribute")
    services.commitment_deliver(
        actor=request.user,
        commitment=_commitment(project, commitment_id),
        delivered_on=payload.delivered_on,
        delivered_scope=payload.delivered_scope,
        notes=payload.notes,
    )
    return _fresh(project, commitment_id)


@router.post(
    "/projects/{project_id}/commitments/{commitment_id}/renegotiations",
    response=CommitmentOut,
    summary="Agree new terms (the old ones are kept)",
)
def commitment_renegotiate(request, project_id: int, commitment_id: int, payload: RenegotiationIn):
    project = access_project(request.user, project_id, "contribute")
    services.commitment_renegotiate(
        actor=request.user,
        commitment=_commitment(project, commitment_id),
        new_date=payload.new_date,
        new_scope=payload.new_scope,
        reason=payload.reason,
        agreed_on=payload.agreed_on,
    )
    return _fresh(project, commitment_id)


@router.post(
    "/projects/{project_id}/commitments/{commitment_id}/breach",
    response=CommitmentOut,
    summary="Record that a promise will not be delivered, and why",
)
def commitment_break(request, project_id: int, commitment_id: int, payload: BreachIn):
    project = access_project(request.user, project_id, "contribute")
    services.commitment_break(
        actor=request.user,
        commitment=_commitment(project, commitment_id),
        reason=payload.reason,
    )
    return _fresh(project, commitment_id)


@router.get(
    "/orgs/{slug}/commitment-figures",
    response=list[MakerFiguresOut],
    summary="Per person who made promises, across the organisation's projects you may see",
)
def org_commitment_figures(request, slug: str):
    org = access_org(request.user, slug, "member")
    return [
        {"label": r.label, "projects": r.projects, "figures": r.figures.to_dict()}
        for r in selectors.commitment_figures_per_maker(request.user, org)
    ]


@router.get(
    "/projects/{project_id}/commitment-figures",
    response=FiguresOut,
    summary="Kept on time, days early or late, over- and under-delivery: per project, PM, party",
)
def commitment_figures(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    figures = selectors.commitment_figures(project)
    return {
        "today": figures["today"],
        "project": figures["project"].to_dict(),
        "per_pm": [{"label": r.label, "figures": r.figures.to_dict()} for r in figures["per_pm"]],
        "per_party": [
            {"label": r.label, "figures": r.figures.to_dict()} for r in figures["per_party"]
        ],
        "overdue": list(
            selectors.overdue_commitments(project, figures["today"]).values_list("pk", flat=True)
        ),
    }


@router.get(
    "/projects/{project_id}/expectations",
    response=list[ExpectationOut],
    summary="Customers' expectations, each checked against the plan and the latest estimate",
)
def expectation_index(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.expectations_with_findings(project)


def _expectation_out(project, expectation_id):
    return next(e for e in selectors.expectations_with_findings(project) if e.pk == expectation_id)


@router.post(
    "/projects/{project_id}/expectations",
    response={201: ExpectationOut},
    summary="Record a customer's expectation",
)
def expectation_create(request, project_id: int, payload: ExpectationIn):
    project = access_project(request.user, project_id, "contribute")
    stakeholder = _stakeholder(project, payload.stakeholder_id, payload.party)
    values = payload.dict(exclude={"stakeholder_id", "party"})
    expectation = services.expectation_create(
        actor=request.user, project=project, stakeholder=stakeholder, **values
    )
    return Status(201, _expectation_out(project, expectation.pk))


@router.patch("/projects/{project_id}/expectations/{expectation_id}", response=ExpectationOut)
def expectation_patch(request, project_id: int, expectation_id: int, payload: ExpectationPatch):
    project = access_project(request.user, project_id, "contribute")
    expectation = selectors.expectation_get(project, expectation_id)
    services.expectation_update(
        actor=request.user, expectation=expectation, **payload.dict(exclude_unset=True)
    )
    return _expectation_out(project, expectation.pk)


@router.delete("/projects/{project_id}/expectations/{expectation_id}", response={204: None})
def expectation_delete(request, project_id: int, expectation_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.expectation_delete(
        actor=request.user, expectation=selectors.expectation_get(project, expectation_id)
    )
    return Status(204, None)
