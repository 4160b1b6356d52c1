"""The customers API: the register, project stakeholders, value criteria, outcomes and consensus,
findings, pictures, and register import/export. Same services as the pages."""

import base64
import binascii
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_org, access_project

from . import charts, importing, rules, saved_mappings, selectors, services
from .models import (
    Category,
    OutcomeConflict,
    Party,
    ProjectStakeholder,
    SavedMapping,
    SavedMappingKind,
    ValueCriterion,
)
from .spreadsheets import FileProblem, check_size, read_table

router = Router(tags=["customers"])


# --- schemas --------------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    name: str
    hint: str


class CategoryIn(Schema):
    name: str
    hint: str = ""


class CategoryPatch(Schema):
    name: str | None = None
    hint: str | None = None


class PartyOut(Schema):
    id: int
    kind: str
    name: str
    organisation: str
    department: str
    title: str
    email: str
    phone: str
    relationship: str
    payment: str
    categories: list[str]
    category_ids: list[int]
    reports_to_id: int | None
    represents_id: int | None
    notes: str

    @staticmethod
    def resolve_categories(party):
        return [c.name for c in party.categories.all()]

    @staticmethod
    def resolve_category_ids(party):
        return [c.pk for c in party.categories.all()]


class ChainLinkOut(Schema):
    id: int
    name: str
    organisation: str


class PartyChainOut(Schema):
    reports_up: list[ChainLinkOut]
    represents_up: list[ChainLinkOut]
    reported_by: list[ChainLinkOut]
    represented_by: list[ChainLinkOut]


class PartyDetailOut(PartyOut):
    chain: PartyChainOut


class PartyPatch(Schema):
    kind: str | None = None
    name: str | None = None
    organisation: str | None = None
    department: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    relationship: str | None = None
    payment: str | None = None
    category_ids: list[int] | None = None
    reports_to_id: int | None = None
    represents_id: int | None = None
    notes: str | None = None


class PartyIn(PartyPatch):
    name: str


class StakeholderFields(Schema):
    roles: list[str] | None = None
    is_customer: bool | None = None
    benefits: str | None = None
    weighs_in_on: str | None = None
    power: int | None = None
    interest: int | None = None
    attitude: str | None = None
    nervous: bool | None = None
    concerns: str | None = None
    engagement_now: str | None = None
    engagement_needed: str | None = None
    expectations: str | None = None


class StakeholderIn(StakeholderFields):
    party_id: int | None = None
    party: PartyIn | None = None


class StakeholderPatch(StakeholderFields):
    party: PartyPatch | None = None


class StakeholderOut(Schema):
    id: int
    party: PartyOut
    roles: list[str]
    is_customer: bool
    benefits: str
    weighs_in_on: str
    power: int | None
    interest: int | None
    quadrant: str | None
    strategy: str
    attitude: str
    nervous: bool
    concerns: str
    engagement_now: str
    engagement_needed: str
    engagement_gap: int | None
    expectations: str


class ConsiderationIn(Schema):
    not_applicable: bool = True
    reason: str = ""


class CriterionOut(Schema):
    id: int
    stakeholder_id: int
    text: str
    weight: int
    goal_ids: list[int]

    @staticmethod
    def resolve_goal_ids(criterion):
        return [g.pk for g in criterion.goals.all()]


class CriterionIn(Schema):
    text: str
    weight: int = 1
    goal_ids: list[int] = []


class CriterionPatch(Schema):
    text: str | None = None
    weight: int | None = None
    goal_ids: list[int] | None = None


class PositionOut(Schema):
    stakeholder_id: int
    name: str
    status: str
    reason: str
    counts: bool = Field(
        description="True for a customer's answer; false for advice from a non-customer, "
        "which does not count toward consensus."
    )

    @staticmethod
    def resolve_name(position):
        return position.stakeholder.party.name

    @staticmethod
    def resolve_counts(position):
        return position.stakeholder.is_customer


class MeasurementOut(Schema):
    id: int
    measured_on: date
    value: Decimal
    note: str


class OutcomeOut(Schema):
    id: int
    title: str
    description: str
    metric: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    due_date: date | None
    is_csf: bool
    consensus: str = Field(
        description="From customers' answers only: agreed, objected, pending, or no-customers "
        "(no customer concerned, so it cannot be agreed)."
    )
    consensus_label: str
    current: Decimal | None
    progress: int | None
    positions: list[PositionOut]
    measurements: list[MeasurementOut]
    benefit_low: Decimal | None
    benefit_p50: Decimal | None
    benefit_p80: Decimal | None = Field(
        description="The value the benefit is 80 % sure to reach at the target date: the promise."
    )
    benefit_high: Decimal | None
    benefit_assumptions: str
    benefit_check: Literal["met-p50", "met-p80", "missed"] | None = Field(
        description="Against the first measurement on or after the target date: met-p50, met-p80 "
        "(the P80 promise kept, the P50 not), missed (over-promised); null until measured or "
        "without a forecast."
    )

    @staticmethod
    def resolve_current(outcome):
        return outcome.latest.value if outcome.latest else None

    @staticmethod
    def resolve_benefit_check(outcome):
        return outcome.benefit["check"] if outcome.benefit else None


class OutcomeFields(Schema):
    description: str | None = None
    metric: str | None = None
    unit: str | None = None
    baseline: Decimal | None = None
    target: Decimal | None = None
    due_date: date | None = None
    is_csf: bool | None = None
    stakeholder_ids: list[int] | None = None
    benefit_low: Decimal | None = None
    benefit_p50: Decimal | None = None
    benefit_p80: Decimal | None = None
    benefit_high: Decimal | None = None
    benefit_assumptions: str | None = None


class OutcomeIn(OutcomeFields):
    title: str


class OutcomePatch(OutcomeFields):
    title: str | None = None


class PositionIn(Schema):
    status: Literal["pending", "agreed", "objected"]
    reason: str = ""


class MeasurementIn(Schema):
    measured_on: date
    value: Decimal
    note: str = ""


class ConflictOut(Schema):
    id: int
    first_id: int
    second_id: int
    first: str
    second: str
    description: str
    resolution: str
    resolved_at: datetime | None
    is_open: bool

    @staticmethod
    def resolve_first(conflict):
        return conflict.first.title

    @staticmethod
    def resolve_second(conflict):
        return conflict.second.title


class ConflictIn(Schema):
    description: str = ""


class ConflictPatch(Schema):
    resolution: str


class FindingOut(Schema):
    code: str
    severity: str
    message: str
    subject: str
    subject_id: int | None


class PromptOut(Schema):
    category_id: int
    name: str
    hint: str


class FindingsOut(Schema):
    findings: list[FindingOut]
    prompts: list[PromptOut]
    prompt_message: str
    not_applicable: list[dict]
    consensus: dict


class PlacementOut(Schema):
    stakeholder_id: int
    name: str
    power: int | None
    interest: int | None
    quadrant: str | None
    strategy: str
    attitude: str
    nervous: bool
    engagement_now: str
    engagement_needed: str
    engagement_gap: int | None


class PicturesOut(Schema):
    power_interest_svg: str
    engagement_svg: str
    placements: list[PlacementOut]


class ExportOut(Schema):
    filename: str
    content_type: str
    content_base64: str


class SavedMappingOut(Schema):
    id: int
    name: str
    kind: str
    mapping: dict[str, str]
    created_by: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_created_by(saved):
        return saved.created_by.display_name if saved.created_by else None


class SavedMappingIn(Schema):
    name: str = Field(max_length=80)
    kind: Literal["register", "customers", "raci"]
    # {header: meaning}: meanings of the kind's import (see the import endpoints).
    mapping: dict[str, str]
    overwrite: bool = False  # replace a saved mapping of the same name instead of refusing


class ImportIn(Schema):
    filename: str = "register.csv"
    content_base64: str
    mode: Literal["preview", "all", "valid"] = "preview"
    # {header: meaning}: a column key (name, organisation, power, ...) or "ignore".
    mapping: dict[str, str] = {}
    # The name of a mapping saved in the organisation for this import; `mapping` wins per header.
    saved_mapping: str | None = None
    sheet: str | None = None  # the XLSX sheet to read
    create_missing_categories: bool = False


class ProblemOut(Schema):
    row: int | None
    column: str
    message: str
    value: str


class ImportReportOut(Schema):
    applied: bool
    mode: str
    column_guesses: list[dict] = []
    categories_to_create: list[str] = []
    sheets: list[str] = []
    sheet: str = ""
    rows: int
    valid: int
    invalid: int
    create: int
    update: int
    unchanged: int
    is_valid: bool
    notes: list[str]
    problems: list[ProblemOut]
    result: dict | None = None


class ImportRefusedOut(Schema):
    message: str
    problems: list[ProblemOut] = []


# --- helpers --------------------------------------------------------------------------------------


def _party(org, party_id) -> Party:
    if party_id is None:
        return None
    party = Party.objects.filter(org=org, pk=party_id).first()
    if party is None:
        raise ValidationError({"party_id": [f"No party {party_id} in this register."]})
    return party


def _party_fields(org, data: dict) -> tuple[dict, list | None]:
    """Turn API party fields (ids) into service arguments (objects)."""
    data = dict(data)
    categories = None
    if "category_ids" in data:
        ids = data.pop("category_ids") or []
        categories = list(Category.objects.filter(org=org, pk__in=ids))
        if len(categories) != len(set(ids)):
            raise ValidationError({"category_ids": ["Unknown category id in this organisation."]})
    for key in ("reports_to", "represents"):
        if f"{key}_id" in data:
            ref = data.pop(f"{key}_id")
            data[key] = None if ref is None else _linked(org, key, ref)
    return data, categories


def _linked(org, key, ref):
    party = Party.objects.filter(org=org, pk=ref).first()
    if party is None:
        raise ValidationError({f"{key}_id": [f"No party {ref} in this register."]})
    return party


def _stakeholder(project, stakeholder_id) -> ProjectStakeholder:
    return selectors.stakeholder_get(project, stakeholder_id)


def _stakeholders(project, ids) -> list:
    found = list(ProjectStakeholder.objects.filter(project=project, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"stakeholder_ids": ["Unknown stakeholder id on this project."]})
    return found


def _goals(project, ids) -> list:
    goals = list(project.goals.filter(pk__in=ids))
    if len(goals) != len(set(ids)):
        raise ValidationError({"goal_ids": ["Unknown goal id on this project."]})
    return goals


def _criterion(project, criterion_id) -> ValueCriterion:
    criterion = (
        ValueCriterion.objects.filter(pk=criterion_id, stakeholder__project=project)
        .select_related("stakeholder")
        .first()
    )
    if criterion is None:
        raise Http404
    criterion.stakeholder.project = project
    return criterion


def _outcome_out(project, outcome_id):
    return selectors.annotate_outcome(selectors.outcome_get(project, outcome_id))


def _analysis(payload) -> dict:
    fields = payload.dict(exclude_unset=True, include=set(services.STAKEHOLDER_FIELDS))
    for key in (
        "benefits",
        "weighs_in_on",
        "attitude",
        "concerns",
        "engagement_now",
        "engagement_needed",
        "expectations",
    ):
        if key in fields and fields[key] is None:
            fields[key] = ""
    for key in ("is_customer", "nervous"):
        if key in fields and fields[key] is None:
            fields[key] = False
    if "roles" in fields and fields["roles"] is None:
        fields["roles"] = []
    return fields


# --- the organisation's register ------------------------------------------------------------------


@router.get(
    "/orgs/{slug}/categories",
    response=list[CategoryOut],
    summary="Stakeholder categories (the taxonomy)",
)
def category_list(request, slug: str):
    org = access_org(request.user, slug, "member")
    return list(selectors.category_list(org))


@router.post(
    "/orgs/{slug}/categories", response={201: CategoryOut}, summary="Add a category (owners)"
)
def category_create(request, slug: str, payload: CategoryIn):
    org = access_org(request.user, slug, "owner")
    return Status(
        201,
        services.category_create(actor=request.user, org=org, name=payload.name, hint=payload.hint),
    )


@router.patch(
    "/orgs/{slug}/categories/{category_id}",
    response=CategoryOut,
    summary="Rename a category (owners)",
)
def category_update(request, slug: str, category_id: int, payload: CategoryPatch):
    org = access_org(request.user, slug, "owner")
    category = get_object_or_404(Category, pk=category_id, org=org)
    return services.category_update(
        actor=request.user, category=category, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/orgs/{slug}/categories/{category_id}",
    response={204: None},
    summary="Delete a category (owners)",
)
def category_delete(request, slug: str, category_id: int):
    org = access_org(request.user, slug, "owner")
    services.category_delete(
        actor=request.user, category=get_object_or_404(Category, pk=category_id, org=org)
    )
    return Status(204, None)


@router.get("/orgs/{slug}/parties", response=list[PartyOut], summary="The register of parties")
@paginate(LimitOffsetPagination)
def party_list(
    request, slug: str, q: str = "", category_id: int | None = None, relationship: str = ""
):
    org = access_org(request.user, slug, "member")
    return selectors.party_list(org, query=q, category_id=category_id, relationship=relationship)


@router.post(
    "/orgs/{slug}/parties", response={201: PartyOut}, summary="Add a person or group (owners)"
)
def party_create(request, slug: str, payload: PartyIn):
    org = access_org(request.user, slug, "owner")
    fields, categories = _party_fields(org, payload.dict(exclude_unset=True))
    name = fields.pop("name")
    return Status(
        201,
        services.party_create(
            actor=request.user, org=org, name=name, categories=categories, **fields
        ),
    )


def _with_chain(party: Party) -> Party:
    chain = selectors.party_chain(party)
    party.chain = {
        key: [{"id": r["pk"], "name": r["name"], "organisation": r["organisation"]} for r in rows]
        for key, rows in chain.items()
    }
    return party


@router.get(
    "/orgs/{slug}/parties/{party_id}",
    response=PartyDetailOut,
    summary="A party, with its customer chain (who it reports to and represents, up the chain)",
)
def party_get(request, slug: str, party_id: int):
    org = access_org(request.user, slug, "member")
    return _with_chain(selectors.party_get(org, party_id))


@router.patch(
    "/orgs/{slug}/parties/{party_id}", response=PartyOut, summary="Change a party (owners)"
)
def party_update(request, slug: str, party_id: int, payload: PartyPatch):
    org = access_org(request.user, slug, "owner")
    party = selectors.party_get(org, party_id)
    fields, categories = _party_fields(org, payload.dict(exclude_unset=True))
    services.party_update(actor=request.user, party=party, categories=categories, **fields)
    return selectors.party_get(org, party_id)


@router.delete(
    "/orgs/{slug}/parties/{party_id}",
    response={204: None},
    summary="Delete a party everywhere (owners)",
)
def party_delete(request, slug: str, party_id: int):
    org = access_org(request.user, slug, "owner")
    services.party_delete(actor=request.user, party=selectors.party_get(org, party_id))
    return Status(204, None)


# --- import and export ----------------------------------------------------------------------------

IMPORT_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "mode": {"type": "string", "enum": ["preview", "all", "valid"]},
                        "mapping": {"type": "string", "description": "JSON {header: meaning}"},
                        "saved_mapping": {
                            "type": "string",
                            "description": "the name of a saved mapping",
                        },
                        "sheet": {"type": "string"},
                        "create_missing_categories": {"type": "boolean"},
                    },
                    "required": ["file"],
                }
            },
            "application/json": {"schema": ImportIn.model_json_schema()},
        },
        "description": (
            "The spreadsheet as a multipart `file` (up to RAPPORT_IMPORT_MAX_BYTES), or as JSON with "
            "base64 content (the same limit). mode: preview (default, writes nothing), all (only if the "
            "whole file is valid), valid (only the valid rows). mapping: {header: meaning} (a column "
            "key such as name, organisation, power, or ignore; JSON text in a multipart form) "
            "overrides the guess shown in column_guesses. saved_mapping: the name of a mapping saved "
            "for this import (see /orgs/{slug}/saved-mappings); `mapping` wins for the headers it "
            "names. sheet: the XLSX sheet to read. "
            "create_missing_categories: add categories the organisation lacks."
        ),
    }
}


def _form_options(post) -> dict:
    """mapping (JSON {header: meaning}), sheet and create_missing_categories of a multipart form."""
    mapping = {}
    if post.get("mapping"):
        try:
            mapping = json.loads(post["mapping"])
        except ValueError:
            mapping = [line for line in post["mapping"].splitlines() if line.strip()]
    return {
        "mapping": mapping,
        "saved_mapping": post.get("saved_mapping") or None,
        "sheet": post.get("sheet") or None,
        "create_missing_categories": (post.get("create_missing_categories") or "").lower()
        in ("1", "true", "yes", "on"),
    }


def _read_upload(request) -> tuple[str, bytes, str, dict]:
    limit = settings.RAPPORT_IMPORT_MAX_BYTES
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Send the spreadsheet as the multipart field `file`."]})
        check_size(upload.size, limit)
        mode = request.POST.get("mode") or request.GET.get("mode") or "preview"
        return upload.name, upload.read(), mode, _form_options(request.POST)
    try:
        payload = ImportIn.model_validate(json.loads(request.body or b"{}"))
    except (ValueError, TypeError) as error:
        raise ValidationError(
            {
                "body": [
                    f"Send JSON {{filename, content_base64, mode}} or a multipart file ({error.__class__.__name__})."
                ]
            }
        ) from None
    if len(payload.content_base64) * 3 // 4 > limit + 3:
        check_size(len(payload.content_base64) * 3 // 4, limit)
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"content_base64": ["This is not base64."]}) from None
    options = {
        "mapping": payload.mapping,
        "saved_mapping": payload.saved_mapping,
        "sheet": payload.sheet,
        "create_missing_categories": payload.create_missing_categories,
    }
    return payload.filename, content, request.GET.get("mode") or payload.mode, options


def _import(request, org, project):
    try:
        filename, content, mode, options = _read_upload(request)
        if mode not in ("preview", "all", "valid"):
            raise ValidationError({"mode": ["Use preview, all or valid."]})
        table = read_table(
            content, max_bytes=settings.RAPPORT_IMPORT_MAX_BYTES, sheet=options["sheet"]
        )
    except FileProblem as problem:
        return Status(400, {"message": str(problem), "problems": []})
    try:
        mapping = saved_mappings.mapping_with(
            org,
            "customers" if project else "register",
            saved_name=options["saved_mapping"],
            inline=options["mapping"],
        )
        plan = importing.plan_import(
            org=org,
            project=project,
            table=table,
            mapping=mapping,
            create_missing_categories=options["create_missing_categories"],
        )
    except (ValueError, AttributeError) as error:
        raise ValidationError({"mapping": [str(error)]}) from None
    report = {"applied": False, "mode": mode, **plan.as_dict(), "result": None}
    if mode == "preview":
        return Status(200, report)
    try:
        result = importing.apply_import(
            actor=request.user, org=org, project=project, plan=plan, only_valid=(mode == "valid")
        )
    except importing.ImportRefused as refused:
        return Status(
            400, {"message": str(refused), "problems": [p.as_dict() for p in plan.problems]}
        )
    return Status(200, {**report, "applied": True, "result": result})


def _export(org, project, fmt):
    if fmt not in ("csv", "xlsx"):
        raise ValidationError({"format": ["Use csv or xlsx."]})
    content, content_type, filename = importing.export_file(org=org, project=project, fmt=fmt)
    return {
        "filename": filename,
        "content_type": content_type,
        "content_base64": base64.b64encode(content).decode(),
    }


@router.get(
    "/orgs/{slug}/saved-mappings",
    response=list[SavedMappingOut],
    summary="Saved column mappings of the organisation's imports",
)
@paginate(LimitOffsetPagination)
def saved_mapping_list(request, slug: str, kind: str = ""):
    org = access_org(request.user, slug, "member")
    if kind and kind not in SavedMappingKind.values:
        raise ValidationError(
            {"kind": [f"Use one of {', '.join(SavedMappingKind.values)}, or leave it out."]}
        )
    return saved_mappings.saved_mapping_list(org, kind or None)


@router.post(
    "/orgs/{slug}/saved-mappings",
    response={201: SavedMappingOut},
    summary="Save a column mapping for an import (owners)",
)
def saved_mapping_create(request, slug: str, payload: SavedMappingIn):
    org = access_org(request.user, slug, "owner")
    return Status(
        201,
        saved_mappings.save_mapping(
            actor=request.user,
            org=org,
            kind=payload.kind,
            name=payload.name,
            mapping=payload.mapping,
            overwrite=payload.overwrite,
        ),
    )


@router.delete(
    "/orgs/{slug}/saved-mappings/{saved_mapping_id}",
    response={204: None},
    summary="Delete a saved column mapping (owners)",
)
def saved_mapping_delete(request, slug: str, saved_mapping_id: int):
    org = access_org(request.user, slug, "owner")
    saved_mappings.delete_mapping(
        actor=request.user, saved=get_object_or_404(SavedMapping, pk=saved_mapping_id, org=org)
    )
    return Status(204, None)


@router.get(
    "/orgs/{slug}/register-export",
    response=ExportOut,
    summary="The register as CSV or XLSX (base64)",
)
def register_export(request, slug: str, format: str = "csv"):
    return _export(access_org(request.user, slug, "member"), None, format)


@router.post(
    "/orgs/{slug}/register-import",
    response={200: ImportReportOut, 400: ImportRefusedOut},
    summary="Import parties into the register (owners)",
    openapi_extra=IMPORT_BODY,
)
def register_import(request, slug: str):
    return _import(request, access_org(request.user, slug, "owner"), None)


@router.get(
    "/projects/{project_id}/register-export",
    response=ExportOut,
    summary="The project's stakeholders as CSV or XLSX (base64)",
)
def project_register_export(request, project_id: int, format: str = "csv"):
    project = access_project(request.user, project_id, "view")
    return _export(project.org, project, format)


@router.post(
    "/projects/{project_id}/register-import",
    response={200: ImportReportOut, 400: ImportRefusedOut},
    summary="Import the project's stakeholders (managers)",
    openapi_extra=IMPORT_BODY,
)
def project_register_import(request, project_id: int):
    project = access_project(request.user, project_id, "manage")
    return _import(request, project.org, project)


# --- project stakeholders -------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/stakeholders",
    response=list[StakeholderOut],
    summary="The project's stakeholders",
)
@paginate(LimitOffsetPagination)
def stakeholder_list(request, project_id: int, q: str = "", customers_only: bool = False):
    project = access_project(request.user, project_id, "view")
    return selectors.stakeholder_list(project, query=q, customers_only=customers_only)


@router.post(
    "/projects/{project_id}/stakeholders",
    response={201: StakeholderOut},
    summary="Put a party on the project",
)
def stakeholder_add(request, project_id: int, payload: StakeholderIn):
    project = access_project(request.user, project_id, "contribute")
    new_party = None
    if payload.party is not None:
        fields, categories = _party_fields(project.org, payload.party.dict(exclude_unset=True))
        new_party = {**fields, "categories": categories}
    party = _party(project.org, payload.party_id)
    stakeholder = services.stakeholder_add(
        actor=request.user, project=project, party=party, new_party=new_party, **_analysis(payload)
    )
    return Status(201, selectors.stakeholder_get(project, stakeholder.pk))


@router.get("/projects/{project_id}/stakeholders/{stakeholder_id}", response=StakeholderOut)
def stakeholder_get(request, project_id: int, stakeholder_id: int):
    project = access_project(request.user, project_id, "view")
    return _stakeholder(project, stakeholder_id)


@router.patch(
    "/projects/{project_id}/stakeholders/{stakeholder_id}",
    response=StakeholderOut,
    summary="Change roles, analysis or the party",
)
def stakeholder_update(request, project_id: int, stakeholder_id: int, payload: StakeholderPatch):
    project = access_project(request.user, project_id, "contribute")
    stakeholder = _stakeholder(project, stakeholder_id)
    party_fields = None
    if payload.party is not None:
        fields, categories = _party_fields(project.org, payload.party.dict(exclude_unset=True))
        party_fields = {**fields, **({"categories": categories} if categories is not None else {})}
    services.stakeholder_update(
        actor=request.user, stakeholder=stakeholder, party_fields=party_fields, **_analysis(payload)
    )
    return _stakeholder(project, stakeholder_id)


@router.delete(
    "/projects/{project_id}/stakeholders/{stakeholder_id}",
    response={204: None},
    summary="Take a party off the project",
)
def stakeholder_remove(request, project_id: int, stakeholder_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.stakeholder_remove(
        actor=request.user, stakeholder=_stakeholder(project, stakeholder_id)
    )
    return Status(204, None)


@router.get(
    "/projects/{project_id}/customer-findings",
    response=FindingsOut,
    summary="Findings, identification prompts, consensus",
)
def customer_findings(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    found = selectors.project_findings(project)
    prompts = found["prompts"]
    return {
        "findings": [f.as_dict() for f in found["findings"]],
        "prompts": [
            {"category_id": p.category_id, "name": p.name, "hint": p.hint}
            for p in prompts["prompts"]
        ],
        "prompt_message": prompts["message"],
        "not_applicable": [
            {"category_id": c.category_id, "name": c.category.name, "reason": c.reason}
            for c in prompts["not_applicable"]
        ],
        "consensus": found["consensus"],
    }


@router.put(
    "/projects/{project_id}/category-considerations/{category_id}",
    response={204: None},
    summary="Mark a category considered and not applicable (or take that back)",
)
def consideration_set(request, project_id: int, category_id: int, payload: ConsiderationIn):
    project = access_project(request.user, project_id, "contribute")
    category = get_object_or_404(Category, org_id=project.org_id, pk=category_id)
    services.consideration_set(
        actor=request.user,
        project=project,
        category=category,
        not_applicable=payload.not_applicable,
        reason=payload.reason,
    )
    return Status(204, None)


@router.get(
    "/projects/{project_id}/stakeholder-pictures",
    response=PicturesOut,
    summary="Power/interest grid and engagement matrix (SVG and data)",
)
def pictures(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    stakeholders = list(selectors.stakeholder_list(project))
    return {
        "power_interest_svg": charts.power_interest_svg(stakeholders),
        "engagement_svg": charts.engagement_svg(stakeholders),
        "placements": [
            {
                "stakeholder_id": s.pk,
                "name": s.party.name,
                "power": s.power,
                "interest": s.interest,
                "quadrant": s.quadrant,
                "strategy": s.strategy,
                "attitude": s.attitude,
                "nervous": s.nervous,
                "engagement_now": s.engagement_now,
                "engagement_needed": s.engagement_needed,
                "engagement_gap": s.engagement_gap,
            }
            for s in stakeholders
        ],
    }


# --- value criteria -------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/value-criteria",
    response=list[CriterionOut],
    summary="Every customer's value criteria",
)
@paginate(LimitOffsetPagination)
def criterion_list(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.criteria_of_project(project)


@router.post(
    "/projects/{project_id}/stakeholders/{stakeholder_id}/value-criteria",
    response={201: CriterionOut},
    summary="Add a value criterion to a stakeholder",
)
def criterion_create(request, project_id: int, stakeholder_id: int, payload: CriterionIn):
    project = access_project(request.user, project_id, "contribute")
    stakeholder = _stakeholder(project, stakeholder_id)
    criterion = services.criterion_create(
        actor=request.user,
        stakeholder=stakeholder,
        text=payload.text,
        weight=payload.weight,
        goals=_goals(project, payload.goal_ids),
    )
    return Status(201, criterion)


@router.patch("/projects/{project_id}/value-criteria/{criterion_id}", response=CriterionOut)
def criterion_update(request, project_id: int, criterion_id: int, payload: CriterionPatch):
    project = access_project(request.user, project_id, "contribute")
    criterion = _criterion(project, criterion_id)
    goals = None if payload.goal_ids is None else _goals(project, payload.goal_ids)
    return services.criterion_update(
        actor=request.user,
        criterion=criterion,
        text=payload.text,
        weight=payload.weight,
        goals=goals,
    )


@router.delete("/projects/{project_id}/value-criteria/{criterion_id}", response={204: None})
def criterion_delete(request, project_id: int, criterion_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.criterion_delete(actor=request.user, criterion=_criterion(project, criterion_id))
    return Status(204, None)


# --- outcomes and consensus -----------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/outcomes",
    response=list[OutcomeOut],
    summary="Desired outcomes with consensus",
)
@paginate(LimitOffsetPagination)
def outcome_list(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return [selectors.annotate_outcome(o) for o in selectors.outcome_list(project)]


def _outcome_fields(project, payload) -> tuple[dict, list | None]:
    fields = payload.dict(exclude_unset=True)
    ids = fields.pop("stakeholder_ids", None)
    for key in ("description", "metric", "unit", "benefit_assumptions"):
        if key in fields and fields[key] is None:
            fields[key] = ""
    if "is_csf" in fields and fields["is_csf"] is None:
        fields["is_csf"] = False
    return fields, (None if ids is None else _stakeholders(project, ids))


@router.post(
    "/projects/{project_id}/outcomes", response={201: OutcomeOut}, summary="Add a desired outcome"
)
def outcome_create(request, project_id: int, payload: OutcomeIn):
    project = access_project(request.user, project_id, "contribute")
    fields, stakeholders = _outcome_fields(project, payload)
    title = fields.pop("title")
    outcome = services.outcome_create(
        actor=request.user, project=project, title=title, stakeholders=stakeholders, **fields
    )
    return Status(201, _outcome_out(project, outcome.pk))


@router.get("/projects/{project_id}/outcomes/{outcome_id}", response=OutcomeOut)
def outcome_get(request, project_id: int, outcome_id: int):
    project = access_project(request.user, project_id, "view")
    return _outcome_out(project, outcome_id)


@router.patch("/projects/{project_id}/outcomes/{outcome_id}", response=OutcomeOut)
def outcome_update(request, project_id: int, outcome_id: int, payload: OutcomePatch):
    project = access_project(request.user, project_id, "contribute")
    outcome = selectors.outcome_get(project, outcome_id)
    fields, stakeholders = _outcome_fields(project, payload)
    services.outcome_update(
        actor=request.user, outcome=outcome, stakeholders=stakeholders, **fields
    )
    return _outcome_out(project, outcome_id)


@router.delete("/projects/{project_id}/outcomes/{outcome_id}", response={204: None})
def outcome_delete(request, project_id: int, outcome_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.outcome_delete(actor=request.user, outcome=selectors.outcome_get(project, outcome_id))
    return Status(204, None)


@router.put(
    "/projects/{project_id}/outcomes/{outcome_id}/positions/{stakeholder_id}",
    response=OutcomeOut,
    summary="Record a customer's answer: agreed, objected (with reason) or pending",
)
def position_set(
    request, project_id: int, outcome_id: int, stakeholder_id: int, payload: PositionIn
):
    project = access_project(request.user, project_id, "contribute")
    outcome = selectors.outcome_get(project, outcome_id)
    stakeholder = _stakeholder(project, stakeholder_id)
    services.position_set(
        actor=request.user,
        outcome=outcome,
        stakeholder=stakeholder,
        status=payload.status,
        reason=payload.reason,
    )
    return _outcome_out(project, outcome_id)


@router.post(
    "/projects/{project_id}/outcomes/{outcome_id}/measurements",
    response={201: OutcomeOut},
    summary="Record a measured value",
)
def measurement_add(request, project_id: int, outcome_id: int, payload: MeasurementIn):
    project = access_project(request.user, project_id, "contribute")
    outcome = selectors.outcome_get(project, outcome_id)
    services.measurement_add(actor=request.user, outcome=outcome, **payload.dict())
    return Status(201, _outcome_out(project, outcome_id))


@router.get(
    "/projects/{project_id}/outcome-conflicts",
    response=list[ConflictOut],
    summary="Conflicting outcomes",
)
@paginate(LimitOffsetPagination)
def conflict_list(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return selectors.conflict_list(project)


@router.put(
    "/projects/{project_id}/outcomes/{outcome_id}/conflicts/{other_outcome_id}",
    response={201: ConflictOut, 200: ConflictOut},
    summary="Mark two outcomes as conflicting (again: change the description)",
)
def conflict_set(
    request, project_id: int, outcome_id: int, other_outcome_id: int, payload: ConflictIn
):
    project = access_project(request.user, project_id, "contribute")
    outcome = selectors.outcome_get(project, outcome_id)
    other = selectors.outcome_get(project, other_outcome_id)
    first, second = sorted((outcome, other), key=lambda o: o.pk)
    existing = (
        OutcomeConflict.objects.filter(first=first, second=second)
        .select_related("first", "second")
        .first()
    )
    if existing is not None:
        existing.project = project
        return Status(
            200,
            services.conflict_describe(
                actor=request.user, conflict=existing, description=payload.description
            ),
        )
    conflict = services.conflict_create(
        actor=request.user,
        project=project,
        first=outcome,
        second=other,
        description=payload.description,
    )
    return Status(201, conflict)


@router.patch(
    "/projects/{project_id}/outcome-conflicts/{conflict_id}",
    response=ConflictOut,
    summary="Settle (or reopen) a conflict",
)
def conflict_resolve(request, project_id: int, conflict_id: int, payload: ConflictPatch):
    project = access_project(request.user, project_id, "contribute")
    conflict = get_object_or_404(
        OutcomeConflict.objects.select_related("first", "second"), pk=conflict_id, project=project
    )
    conflict.project = project
    return services.conflict_resolve(
        actor=request.user, conflict=conflict, resolution=payload.resolution
    )


# --- communication preferences (held on the party: they count across every project) ---------------

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PreferredChannel = Literal["", "email", "portal", "meeting", "phone", "in_person"]


class PreferencesOut(Schema):
    party_id: int
    preferred_channel: str
    max_per_week: int | None
    quiet_days: list[str]


class PreferencesIn(Schema):
    preferred_channel: PreferredChannel = ""
    max_per_week: int | None = Field(None, ge=1, le=50)
    quiet_days: list[Weekday] = []


def _preferences_out(party: Party) -> dict:
    return {
        "party_id": party.pk,
        "preferred_channel": party.preferred_channel,
        "max_per_week": party.max_per_week,
        "quiet_days": rules.quiet_days_parse(party.quiet_days),
    }


@router.get(
    "/projects/{project_id}/stakeholders/{stakeholder_id}/preferences",
    response=PreferencesOut,
    summary="A stakeholder's communication preferences",
)
def preferences_get(request, project_id: int, stakeholder_id: int):
    project = access_project(request.user, project_id, "view")
    return _preferences_out(_stakeholder(project, stakeholder_id).party)


@router.put(
    "/projects/{project_id}/stakeholders/{stakeholder_id}/preferences",
    response=PreferencesOut,
    summary="Set a stakeholder's preferred channel, weekly maximum and quiet days",
)
def preferences_set(request, project_id: int, stakeholder_id: int, payload: PreferencesIn):
    project = access_project(request.user, project_id, "contribute")
    party = services.party_preferences_set(
        actor=request.user,
        party=_stakeholder(project, stakeholder_id).party,
        preferred_channel=payload.preferred_channel,
        max_per_week=payload.max_per_week,
        quiet_days=payload.quiet_days,
    )
    return _preferences_out(party)
