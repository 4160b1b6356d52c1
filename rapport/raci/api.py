"""The RACI API: phases, activities, the matrix and its cells, findings, thresholds, import and
export, and SIPOC + Outcome processes. Same services as the pages and the CLI."""

import base64
import binascii
import json
from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from rapport.accounts.access import access_project
from rapport.lib import columns
from rapport.stakeholders import saved_mappings
from rapport.stakeholders.models import Outcome, Party

from . import importing, matrix_cache, selectors, services
from .models import Activity, Phase, SipocProcess
from .sipoc_export import sipoc_xlsx
from .spreadsheets import XLSX_CONTENT_TYPE, FileProblem, human_size

router = Router(tags=["raci"])


# --- schemas -------------------------------------------------------------------------------------


class PhaseOut(Schema):
    id: int
    name: str
    position: int


class PhaseIn(Schema):
    name: str


class PhasePatch(Schema):
    name: str | None = None
    move: Literal["up", "down"] | None = None


class ActivityOut(Schema):
    id: int
    name: str
    kind: str
    phase_id: int | None
    description: str
    position: int
    status: str
    planned_start: date | None
    planned_finish: date | None
    baseline_start: date | None
    baseline_finish: date | None
    actual_start: date | None
    actual_finish: date | None
    accountable_does_work: bool
    outcome_ids: list[int]

    @staticmethod
    def resolve_outcome_ids(activity):
        return [o.pk for o in activity.outcomes.all()]


class ActivityFields(Schema):
    kind: Literal["task", "milestone", "decision", "deliverable"] = "task"
    phase_id: int | None = None
    description: str = ""
    status: Literal["not_started", "in_progress", "done", "cancelled"] = "not_started"
    planned_start: date | None = None
    planned_finish: date | None = None
    baseline_start: date | None = None
    baseline_finish: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    accountable_does_work: bool = False
    outcome_ids: list[int] = []


class ActivityIn(ActivityFields):
    name: str


class ActivityPatch(Schema):
    name: str | None = None
    kind: Literal["task", "milestone", "decision", "deliverable"] | None = None
    phase_id: int | None = None
    description: str | None = None
    status: Literal["not_started", "in_progress", "done", "cancelled"] | None = None
    planned_start: date | None = None
    planned_finish: date | None = None
    baseline_start: date | None = None
    baseline_finish: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    accountable_does_work: bool | None = None
    outcome_ids: list[int] | None = None
    move: Literal["up", "down"] | None = None


class MatrixActivityOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    phase_id: int | None
    accountable_does_work: bool
    outcome_ids: list[int]


class MatrixPartyOut(Schema):
    id: int
    name: str
    kind: str
    organisation: str
    is_customer: bool
    power: int | None
    interest: int | None
    on_project: bool


class CellOut(Schema):
    activity_id: int
    party_id: int
    letter: str


class ThresholdsOut(Schema):
    max_consulted: int
    overload_percent: int
    key_level: int


class ThresholdsIn(Schema):
    max_consulted: int | None = Field(None, ge=0, le=200)
    overload_percent: int | None = Field(None, ge=1, le=100)
    key_level: int | None = Field(None, ge=1, le=5)


class RaciFindingOut(Schema):
    code: str
    severity: str
    activity: str | None
    party: str | None
    outcome: str | None
    message: str
    activity_id: int | None
    party_id: int | None
    outcome_id: int | None
    link: str | None = Field(
        None, description="The page where this finding is dealt with, when it has one of its own."
    )


class MatrixOut(Schema):
    phases: list[PhaseOut]
    activities: list[MatrixActivityOut]
    parties: list[MatrixPartyOut]
    assignments: list[CellOut]
    thresholds: ThresholdsOut
    findings: list[RaciFindingOut]


class CellIn(Schema):
    activity_id: int
    party_id: int
    letter: str | None = Field(None, description="R, A, C or I; null or empty clears the cell")


class CellsIn(Schema):
    cells: list[CellIn] = Field(..., max_length=50_000)


class CellsOut(Schema):
    set: int
    cleared: int
    errors: int
    warnings: int


class RaciExportOut(Schema):
    filename: str
    content_type: str
    content_base64: str


class RaciImportIn(Schema):
    filename: str = "raci.csv"
    content_base64: str
    layout: Literal["auto", "grid", "list"] = "auto"
    create_missing: bool = False
    mode: Literal["preview", "all", "valid"] = "preview"
    # {header: meaning}: activity, phase, R, A, C, I, start, finish, depends_on, party, ignore.
    mapping: dict[str, str] = {}
    # The name of a mapping saved in the organisation for RACI imports; `mapping` wins per header.
    saved_mapping: str | None = None
    sheet: str | None = None  # the XLSX sheet to read
    # New parties that are groups; None: those whose names read like a team ("Legal", "… Team").
    groups: list[str] | None = None


class RaciProblemOut(Schema):
    row: int
    column: str | None
    message: str
    text: str


class ImportOut(Schema):
    applied: bool
    mode: str
    layout: str
    format: str
    summary: dict
    problems: list[RaciProblemOut]
    result: dict | None


class RaciImportRefusedOut(Schema):
    message: str
    problems: list[RaciProblemOut] = []  # empty when the request itself breaks a rule


class SipocSummaryOut(Schema):
    id: int
    name: str
    description: str


class SipocIn(Schema):
    name: str
    description: str = ""


class SipocPatch(Schema):
    name: str | None = None
    description: str | None = None


FlowKindIn = Literal["material", "service", "information"] | None
FLOW_KIND_HELP = "What it is: material, service or information (optional)."


class SipocInputIn(Schema):
    name: str
    supplier: int | None = Field(None, description="party id of one of the suppliers")
    kind: FlowKindIn = Field(None, description=FLOW_KIND_HELP)


class SipocOutputIn(Schema):
    name: str
    kind: FlowKindIn = Field(None, description=FLOW_KIND_HELP)
    activity_id: int | None = None
    outcome_ids: list[int] = []


class SipocCustomerIn(Schema):
    party_id: int
    outcome_ids: list[int] = []


class SipocContentIn(Schema):
    suppliers: list[int] = Field([], description="party ids")
    inputs: list[SipocInputIn] = []
    steps: list[str] = Field([], max_length=7)
    outputs: list[SipocOutputIn] = []
    outcome_ids: list[int] = []
    customers: list[SipocCustomerIn] = []


class SipocEntryOut(Schema):
    id: int
    name: str


class SipocSupplierOut(SipocEntryOut):
    party_id: int


class SipocInputOut(SipocEntryOut):
    supplier: int | None
    kind: str | None = Field(description=FLOW_KIND_HELP)


class SipocOutputOut(SipocEntryOut):
    kind: str | None = Field(description=FLOW_KIND_HELP)
    activity_id: int | None
    outcome_ids: list[int]


class SipocOutcomeOut(Schema):
    id: int
    title: str


class SipocCustomerOut(SipocEntryOut):
    party_id: int
    outcome_ids: list[int]


class SipocFindingOut(Schema):
    code: str
    severity: str
    output: str | None
    outcome: str | None
    customer: str | None
    message: str


class SipocOut(Schema):
    id: int
    name: str
    description: str
    suppliers: list[SipocSupplierOut]
    inputs: list[SipocInputOut]
    steps: list[SipocEntryOut]
    outputs: list[SipocOutputOut]
    outcomes: list[SipocOutcomeOut]
    customers: list[SipocCustomerOut]
    findings: list[SipocFindingOut]


# --- helpers -------------------------------------------------------------------------------------


def _activity(project, activity_id) -> Activity:
    activity = get_object_or_404(
        Activity.objects.prefetch_related("outcomes"), project=project, pk=activity_id
    )
    activity.project = project
    return activity


def _phase(project, phase_id) -> Phase | None:
    if phase_id is None:
        return None
    phase = Phase.objects.filter(project=project, pk=phase_id).first()
    if phase is None:
        raise ValidationError({"phase_id": [f"{project.code} has no phase {phase_id}."]})
    return phase


def _outcomes(project, ids) -> list[Outcome]:
    ids = list(dict.fromkeys(ids))
    found = {o.pk: o for o in Outcome.objects.filter(project=project, pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"outcome_ids": [f"{project.code} has no outcome {missing[0]}."]})
    return [found[i] for i in ids]


def _finding_out(finding, matrix) -> dict:
    return {
        **selectors.finding_dict(finding, matrix),
        "activity_id": finding.activity_id,
        "party_id": finding.party_id,
        "outcome_id": finding.outcome_id,
    }


def _settings_out(project) -> dict:
    settings = selectors.raci_settings_get(project)
    return {
        "max_consulted": settings.max_consulted,
        "overload_percent": settings.overload_percent,
        "key_level": settings.key_level,
    }


# --- phases --------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/phases", response=list[PhaseOut], summary="Phases, in order")
def phase_list(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return list(project.phases.all())


@router.post("/projects/{project_id}/phases", response={201: PhaseOut}, summary="Add a phase")
def phase_create(request, project_id: int, payload: PhaseIn):
    project = access_project(request.user, project_id, "contribute")
    return Status(
        201, services.phase_create(actor=request.user, project=project, name=payload.name)
    )


@router.patch(
    "/projects/{project_id}/phases/{phase_id}", response=PhaseOut, summary="Rename or move a phase"
)
def phase_patch(request, project_id: int, phase_id: int, payload: PhasePatch):
    project = access_project(request.user, project_id, "contribute")
    phase = get_object_or_404(Phase, project=project, pk=phase_id)
    phase.project = project
    if payload.name is not None:
        phase = services.phase_update(actor=request.user, phase=phase, name=payload.name)
    if payload.move:
        services.phase_move(actor=request.user, phase=phase, direction=payload.move)
        phase.refresh_from_db()
    return phase


@router.delete(
    "/projects/{project_id}/phases/{phase_id}",
    response={204: None},
    summary="Delete a phase (its activities stay)",
)
def phase_delete(request, project_id: int, phase_id: int):
    project = access_project(request.user, project_id, "contribute")
    phase = get_object_or_404(Phase, project=project, pk=phase_id)
    phase.project = project
    services.phase_delete(actor=request.user, phase=phase)
    return Status(204, None)


# --- activities ----------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/activities",
    response=list[ActivityOut],
    summary="Activities, in plan order",
)
@paginate(LimitOffsetPagination)
def activity_list(request, project_id: int, phase_id: int | None = None, kind: str | None = None):
    project = access_project(request.user, project_id, "view")
    activities = Activity.objects.filter(project=project).prefetch_related("outcomes")
    if phase_id is not None:
        activities = activities.filter(phase_id=phase_id)
    if kind:
        activities = activities.filter(kind=kind)
    return activities.order_by("position", "pk")


@router.post(
    "/projects/{project_id}/activities", response={201: ActivityOut}, summary="Add an activity"
)
def activity_create(request, project_id: int, payload: ActivityIn):
    project = access_project(request.user, project_id, "contribute")
    fields = payload.dict(exclude={"name", "phase_id", "outcome_ids"})
    phase = _phase(project, payload.phase_id)
    outcomes = _outcomes(project, payload.outcome_ids)
    activity = services.activity_create(
        actor=request.user, project=project, name=payload.name, phase=phase, **fields
    )
    services.activity_outcomes_set(actor=request.user, activity=activity, outcomes=outcomes)
    return Status(201, _activity(project, activity.pk))


@router.get("/projects/{project_id}/activities/{activity_id}", response=ActivityOut)
def activity_get(request, project_id: int, activity_id: int):
    project = access_project(request.user, project_id, "view")
    return _activity(project, activity_id)


@router.patch(
    "/projects/{project_id}/activities/{activity_id}",
    response=ActivityOut,
    summary="Change some fields, its outcomes, or move it",
)
def activity_patch(request, project_id: int, activity_id: int, payload: ActivityPatch):
    project = access_project(request.user, project_id, "contribute")
    activity = _activity(project, activity_id)
    fields = payload.dict(exclude_unset=True)
    outcome_ids = fields.pop("outcome_ids", None)
    move = fields.pop("move", None)
    if "phase_id" in fields:
        fields["phase"] = _phase(project, fields.pop("phase_id"))
    for key in ("name", "kind", "status", "description", "accountable_does_work"):
        if key in fields and fields[key] is None:
            raise ValidationError({key: ["This field cannot be null."]})
    outcomes = _outcomes(project, outcome_ids) if outcome_ids is not None else None
    if fields:
        activity = services.activity_update(actor=request.user, activity=activity, **fields)
        activity.project = project
    if outcomes is not None:
        services.activity_outcomes_set(actor=request.user, activity=activity, outcomes=outcomes)
    if move:
        services.activity_move(actor=request.user, activity=activity, direction=move)
    return _activity(project, activity_id)


@router.delete(
    "/projects/{project_id}/activities/{activity_id}",
    response={204: None},
    summary="Delete an activity and its letters",
)
def activity_delete(request, project_id: int, activity_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.activity_delete(actor=request.user, activity=_activity(project, activity_id))
    return Status(204, None)


# --- Consulted input ------------------------------------------------------------------------------


class ConsultedOut(Schema):
    party_id: int
    name: str
    consulted: bool = Field(description="False when the party gave input but is no longer C.")
    given_on: date | None = Field(description="When they gave input; null while none is recorded.")
    note: str


class ConsultedIn(Schema):
    given_on: date
    note: str = Field("", max_length=5000)


def _consulted_out(activity) -> list[dict]:
    return [
        {
            "party_id": row.party.pk,
            "name": row.party.name,
            "consulted": row.consulted,
            "given_on": row.input.given_on if row.input else None,
            "note": row.input.note if row.input else "",
        }
        for row in selectors.consulted_rows(activity)
    ]


def _consulted_party(project, party_id: int) -> Party:
    return get_object_or_404(Party, org_id=project.org_id, pk=party_id)


@router.get(
    "/projects/{project_id}/activities/{activity_id}/consulted",
    response=list[ConsultedOut],
    summary="Who is Consulted on an activity, and the input each gave before sign-off",
)
def consulted_list(request, project_id: int, activity_id: int):
    project = access_project(request.user, project_id, "view")
    return _consulted_out(_activity(project, activity_id))


@router.put(
    "/projects/{project_id}/activities/{activity_id}/consulted/{party_id}",
    response=list[ConsultedOut],
    summary="Record a Consulted party's input (date and note)",
)
def consulted_record(
    request, project_id: int, activity_id: int, party_id: int, payload: ConsultedIn
):
    project = access_project(request.user, project_id, "contribute")
    activity = _activity(project, activity_id)
    services.consulted_input_record(
        actor=request.user,
        activity=activity,
        party=_consulted_party(project, party_id),
        given_on=payload.given_on,
        note=payload.note,
    )
    return _consulted_out(activity)


@router.delete(
    "/projects/{project_id}/activities/{activity_id}/consulted/{party_id}",
    response={204: None},
    summary="Remove a recorded input",
)
def consulted_remove(request, project_id: int, activity_id: int, party_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.consulted_input_remove(
        actor=request.user,
        activity=_activity(project, activity_id),
        party=_consulted_party(project, party_id),
    )
    return Status(204, None)


# --- the matrix ----------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/raci",
    response=MatrixOut,
    summary="The whole RACI matrix with its findings",
)
def raci_get(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    matrix, findings = matrix_cache.matrix_with_findings(project)
    return {
        "phases": matrix.phases,
        "activities": [
            {**a.__dict__, "outcome_ids": list(a.outcome_ids)} for a in matrix.activities
        ],
        "parties": matrix.parties,
        "assignments": [
            {"activity_id": a, "party_id": p, "letter": letter}
            for a, row in matrix.letters.items()
            for p, letter in row.items()
        ],
        "thresholds": _settings_out(project),
        "findings": [_finding_out(f, matrix) for f in findings],
    }


@router.put(
    "/projects/{project_id}/raci/cells",
    response=CellsOut,
    summary="Set or clear cells, all or nothing",
)
def raci_cells(request, project_id: int, payload: CellsIn):
    project = access_project(request.user, project_id, "contribute")
    activities = {
        a.pk: a
        for a in Activity.objects.filter(
            project=project, pk__in={c.activity_id for c in payload.cells}
        )
    }
    parties = {
        p.pk: p
        for p in Party.objects.filter(
            org_id=project.org_id, pk__in={c.party_id for c in payload.cells}
        )
    }
    cells = []
    for index, cell in enumerate(payload.cells):
        if cell.activity_id not in activities:
            raise ValidationError(
                {
                    f"cells.{index}.activity_id": [
                        f"{project.code} has no activity {cell.activity_id}."
                    ]
                }
            )
        if cell.party_id not in parties:
            raise ValidationError(
                {f"cells.{index}.party_id": [f"No party {cell.party_id} in the register."]}
            )
        cells.append((activities[cell.activity_id], parties[cell.party_id], cell.letter))
    counts = services.raci_assign_many(actor=request.user, project=project, cells=cells)
    summary = selectors.findings_summary(matrix_cache.matrix_with_findings(project)[1])
    return {**counts, "errors": summary["error"], "warnings": summary["warning"]}


@router.get(
    "/projects/{project_id}/raci/findings",
    response=list[RaciFindingOut],
    summary="RACI findings, errors first",
)
def raci_findings(request, project_id: int, severity: str | None = None):
    project = access_project(request.user, project_id, "view")
    matrix, findings = matrix_cache.matrix_with_findings(project)
    found = [_finding_out(f, matrix) for f in findings]
    if severity:
        found = [f for f in found if f["severity"] == severity]
    return found


@router.get(
    "/projects/{project_id}/raci/settings",
    response=ThresholdsOut,
    summary="Thresholds of the checks",
)
def raci_settings_get(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return _settings_out(project)


@router.put(
    "/projects/{project_id}/raci/settings",
    response=ThresholdsOut,
    summary="Change the thresholds (managers)",
)
def raci_settings_put(request, project_id: int, payload: ThresholdsIn):
    project = access_project(request.user, project_id, "manage")
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    services.raci_settings_update(actor=request.user, project=project, **fields)
    return _settings_out(project)


@router.get(
    "/projects/{project_id}/raci/export",
    response=RaciExportOut,
    summary="The RACI as CSV or XLSX, grid or list (base64)",
)
def raci_export(
    request,
    project_id: int,
    format: Literal["csv", "xlsx"] = "xlsx",
    layout: Literal["grid", "list"] = "grid",
):
    project = access_project(request.user, project_id, "view")
    content, content_type, filename = importing.export_file(project, fmt=format, layout=layout)
    return {
        "filename": filename,
        "content_type": content_type,
        "content_base64": base64.b64encode(content).decode(),
    }


IMPORT_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "layout": {"type": "string", "enum": ["auto", "grid", "list"]},
                        "create_missing": {"type": "boolean"},
                        "mode": {"type": "string", "enum": ["preview", "all", "valid"]},
                        "sheet": {"type": "string"},
                        "mapping": {"type": "string", "description": "JSON {header: meaning}"},
                        "saved_mapping": {
                            "type": "string",
                            "description": "the name of a saved mapping",
                        },
                    },
                    "required": ["file"],
                }
            },
            "application/json": {"schema": RaciImportIn.model_json_schema()},
        },
        "description": (
            "The spreadsheet as a multipart `file` (up to RAPPORT_IMPORT_MAX_BYTES), or as JSON "
            "with base64 content (the same limit). layout: auto (default), grid or list. "
            "create_missing: add unknown names to the register (team names as groups). "
            "mapping: {header: meaning} with meanings activity, phase, R, A, C, I, start, "
            "finish, depends_on, party or ignore (JSON text in a multipart form). saved_mapping: "
            "the name of a mapping saved for RACI imports (see /orgs/{slug}/saved-mappings); "
            "`mapping` wins for the headers it names. sheet: the "
            "XLSX sheet to read. mode: preview (default, writes nothing), all (only if the "
            "whole file is valid), valid (only the valid rows). The preview's summary lists "
            "each column's guessed meaning, the sheets, section rows read as phases and new "
            "parties read as groups."
        ),
    }
}


def _form_mapping(text: str | None) -> dict:
    """`mapping` in a multipart form: JSON {header: meaning}, or lines of HEADER=MEANING."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = [line for line in text.splitlines() if line.strip()]
    try:
        return columns.parse_mapping(value)
    except (ValueError, AttributeError) as error:
        raise ValidationError({"mapping": [str(error)]}) from None


def _read_upload(request) -> tuple[RaciImportIn, bytes]:
    """The import options and the file's bytes, from a multipart form or a JSON body."""
    limit = importing.max_bytes()
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Send the spreadsheet as the multipart field `file`."]})
        if upload.size > limit:
            raise FileProblem(
                f"The file is {human_size(upload.size)}; the limit is {human_size(limit)}."
            )
        data = {
            "filename": upload.name,
            "content_base64": "",
            "layout": request.POST.get("layout") or "auto",
            "create_missing": (request.POST.get("create_missing") or "").lower()
            in ("1", "true", "yes", "on"),
            "mode": request.POST.get("mode") or "preview",
            "sheet": request.POST.get("sheet") or None,
            "mapping": _form_mapping(request.POST.get("mapping")),
            "saved_mapping": request.POST.get("saved_mapping") or None,
        }
        try:
            return RaciImportIn.model_validate(data), upload.read()
        except ValueError as error:
            raise ValidationError({"body": [str(error).splitlines()[0]]}) from None
    try:
        payload = RaciImportIn.model_validate(json.loads(request.body or b"{}"))
    except (ValueError, TypeError) as error:
        raise ValidationError(
            {
                "body": [
                    "Send JSON {filename, content_base64, layout, create_missing, mode} or a "
                    f"multipart file ({error.__class__.__name__})."
                ]
            }
        ) from None
    if len(payload.content_base64) * 3 // 4 > limit + 3:
        raise FileProblem(f"The file is larger than the limit of {human_size(limit)}.")
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"content_base64": ["This is not base64."]}) from None
    return payload, content


@router.post(
    "/projects/{project_id}/raci/import",
    response={200: ImportOut, 400: RaciImportRefusedOut},
    summary="Import a RACI spreadsheet, grid or list (managers)",
    openapi_extra=IMPORT_BODY,
)
def raci_import(request, project_id: int):
    project = access_project(request.user, project_id, "manage")
    try:
        payload, content = _read_upload(request)
        mapping = saved_mappings.mapping_with(
            project.org, "raci", saved_name=payload.saved_mapping, inline=payload.mapping
        )
        plan = importing.plan_import(
            project=project,
            content=content,
            layout=payload.layout,
            create_missing=payload.create_missing,
            mapping=mapping,
            sheet=payload.sheet,
            groups=payload.groups,
        )
    except FileProblem as problem:
        return Status(400, {"message": str(problem), "problems": []})
    report = {
        "applied": False,
        "mode": payload.mode,
        "layout": plan.layout,
        "format": plan.format,
        "summary": plan.summary(),
        "problems": plan.problem_dicts(),
        "result": None,
    }
    if payload.mode == "preview":
        return Status(200, report)
    try:
        result = importing.apply_import(
            actor=request.user, project=project, plan=plan, only_valid=payload.mode == "valid"
        )
    except importing.ImportRefused as refused:
        return Status(400, {"message": str(refused), "problems": plan.problem_dicts()})
    return Status(200, {**report, "applied": True, "result": result})


# --- SIPOC + Outcome -----------------------------------------------------------------------------


def _process(project, process_id) -> SipocProcess:
    process = get_object_or_404(SipocProcess, project=project, pk=process_id)
    process.project = project
    return process


def _sipoc_out(process) -> dict:
    return selectors.sipoc_as_dict(selectors.sipoc_get(process))


@router.get(
    "/projects/{project_id}/sipocs",
    response=list[SipocSummaryOut],
    summary="SIPOC + Outcome processes",
)
def sipoc_list(request, project_id: int):
    project = access_project(request.user, project_id, "view")
    return list(selectors.sipoc_list(project))


@router.post(
    "/projects/{project_id}/sipocs", response={201: SipocOut}, summary="Start a SIPOC for a process"
)
def sipoc_create(request, project_id: int, payload: SipocIn):
    project = access_project(request.user, project_id, "contribute")
    process = services.sipoc_create(
        actor=request.user, project=project, name=payload.name, description=payload.description
    )
    return Status(201, _sipoc_out(process))


@router.get(
    "/projects/{project_id}/sipocs/{process_id}",
    response=SipocOut,
    summary="A SIPOC with its links and findings",
)
def sipoc_get(request, project_id: int, process_id: int):
    project = access_project(request.user, project_id, "view")
    return _sipoc_out(_process(project, process_id))


@router.patch(
    "/projects/{project_id}/sipocs/{process_id}", response=SipocOut, summary="Rename a SIPOC"
)
def sipoc_patch(request, project_id: int, process_id: int, payload: SipocPatch):
    project = access_project(request.user, project_id, "contribute")
    process = _process(project, process_id)
    services.sipoc_update(
        actor=request.user,
        process=process,
        name=process.name if payload.name is None else payload.name,
        description=process.description if payload.description is None else payload.description,
    )
    return _sipoc_out(process)


@router.put(
    "/projects/{project_id}/sipocs/{process_id}/content",
    response=SipocOut,
    summary="Replace all six columns and the links",
)
def sipoc_content_put(request, project_id: int, process_id: int, payload: SipocContentIn):
    project = access_project(request.user, project_id, "contribute")
    process = _process(project, process_id)
    content = payload.dict()
    services.sipoc_replace(actor=request.user, process=process, content=content)
    return _sipoc_out(process)


@router.delete(
    "/projects/{project_id}/sipocs/{process_id}", response={204: None}, summary="Delete a SIPOC"
)
def sipoc_delete(request, project_id: int, process_id: int):
    project = access_project(request.user, project_id, "contribute")
    services.sipoc_delete(actor=request.user, process=_process(project, process_id))
    return Status(204, None)


@router.get(
    "/projects/{project_id}/sipocs/{process_id}/export",
    response=RaciExportOut,
    summary="A SIPOC as XLSX (base64)",
)
def sipoc_export(request, project_id: int, process_id: int):
    project = access_project(request.user, project_id, "view")
    process = _process(project, process_id)
    content = sipoc_xlsx(selectors.sipoc_get(process))
    return {
        "filename": f"{project.code}-sipoc-{process.pk}.xlsx",
        "content_type": XLSX_CONTENT_TYPE,
        "content_base64": base64.b64encode(content).decode(),
    }
