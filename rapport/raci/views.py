"""Pages of the RACI (matrix, findings, activities, import, export, settings) and of SIPOC.

Viewers read; contributors edit activities, phases, cells and SIPOCs; managers import, add
parties to the project and change the thresholds. Every write goes through services.py.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from rapport.accounts.access import project_view
from rapport.lib import columns
from rapport.lib.forms import add_service_errors
from rapport.stakeholders import saved_mappings
from rapport.stakeholders.models import Outcome, Party, ProjectStakeholder
from rapport.stakeholders.views import save_mapping_from_preview

from . import importing, matrix_cache, selectors, services, spreadsheets, timeline
from . import render as matrix_render
from .forms import (
    ActivityForm,
    ActivityScheduleForm,
    AddColumnForm,
    ImportForm,
    PhaseForm,
    SettingsForm,
    SipocForm,
)
from .models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    FlowKind,
    Phase,
    RaciImport,
    SipocProcess,
)
from .rules import LETTER_NAMES, LETTERS

FINDINGS_SHOWN = 25
QUICK_ADD_ERROR = "raci_quick_add_error"
WHO_CHOICES = (
    ("all", "Everyone"),
    ("customers", "Customers"),
    ("people", "People"),
    ("groups", "Groups"),
)


def _url(name, project, *args):
    return reverse(name, args=[project.org.slug, project.code, *args])


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the matrix ----------------------------------------------------------------------------------


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class MatrixFilters:
    """The matrix page's filters, read from the query string (bad values fall back to defaults)."""

    def __init__(self, data, matrix):
        phase_ids = {p.id for p in matrix.phases}
        phase = _int(data.get("phase"))
        self.phase = phase if phase in phase_ids else None
        self.q = (data.get("q") or "").strip()[:100]
        self.who = data.get("who") if data.get("who") in dict(WHO_CHOICES) else "all"
        self.group = "outcome" if data.get("group") == "outcome" else "phase"
        rows = data.get("rows")
        if rows == "all":
            self.rows = "all"
        else:
            rows = _int(rows)
            self.rows = rows if rows in selectors.ROWS_CHOICES else selectors.ROWS_PER_PAGE

    def params(self) -> dict:
        params = {}
        if self.phase:
            params["phase"] = self.phase
        if self.q:
            params["q"] = self.q
        if self.who != "all":
            params["who"] = self.who
        if self.group != "phase":
            params["group"] = self.group
        if self.rows != selectors.ROWS_PER_PAGE:
            params["rows"] = self.rows
        return params

    def querystring(self, **extra) -> str:
        return urlencode({**self.params(), **extra})

    def parties(self, matrix):
        from .names import normalise_name

        needle = normalise_name(self.q)
        chosen = []
        for party in matrix.parties:
            if self.who == "customers" and not party.is_customer:
                continue
            if self.who == "people" and party.is_group:
                continue
            if self.who == "groups" and not party.is_group:
                continue
            if needle and needle not in normalise_name(party.name):
                continue
            chosen.append(party)
        return chosen


def _findings_context(project, matrix, findings, params: dict | None = None, *, every=False):
    """The findings panel: each finding with a link to where it is in the matrix (keeping the
    filters that still show it). Links are made for the findings the panel shows, or for
    ``every`` one (the findings page): a big matrix has thousands."""
    params = dict(params or {})
    plan_link = _url("comms-plan", project) + "#informed"
    base = _url("raci-matrix", project)
    activity_names = {a.id: a.name for a in matrix.activities}
    outcome_titles = {o.id: o.title for o in matrix.outcomes}
    party_names = {p.id: p.name for p in matrix.parties}
    row_qs = urlencode({k: v for k, v in params.items() if k != "phase"})
    column_qs = urlencode({k: v for k, v in params.items() if k not in ("q", "who")})
    items = []
    for finding in findings if every else findings[:FINDINGS_SHOWN]:
        if finding.code == "signed-off-without-input":
            link = _url("raci-activity-consulted", project, finding.activity_id)
            link += f"#party-{finding.party_id}"
            about = activity_names.get(finding.activity_id)
        elif finding.code == "key-customer-not-informed":
            # Keeping a key customer aware is the communication plan's job: go there.
            link = plan_link
            about = party_names.get(finding.party_id)
        elif finding.activity_id is not None:
            link = f"{base}?{row_qs + '&' if row_qs else ''}at={finding.activity_id}#a{finding.activity_id}"
            about = activity_names.get(finding.activity_id)
        elif finding.party_id is not None:
            link = f"{base}?{column_qs}#p{finding.party_id}"
            about = party_names.get(finding.party_id)
        else:
            link = f"{base}?group=outcome#go{finding.outcome_id}"
            about = outcome_titles.get(finding.outcome_id)
        items.append({"finding": finding, "link": link, "about": about})
    return {
        "findings": items,
        "shown": items[:FINDINGS_SHOWN],
        "counts": selectors.findings_summary(findings),
        "total": len(findings),
        "more": max(0, len(findings) - FINDINGS_SHOWN),
    }


@project_view("view")
def matrix_page(request, project):
    matrix, findings = matrix_cache.matrix_with_findings(project)
    filters = MatrixFilters(request.GET, matrix)
    parties = filters.parties(matrix)
    groups, rows = selectors.matrix_rows(matrix, group_by=filters.group, phase_id=filters.phase)
    per_page = (len(rows) or 1) if filters.rows == "all" else filters.rows
    paginator = Paginator(rows, per_page)
    number = request.GET.get("page")
    at = _int(request.GET.get("at"))
    if at is not None:
        index = next((i for i, r in enumerate(rows) if r.activity.id == at), None)
        if index is not None:
            number = index // per_page + 1
    page = paginator.get_page(number)
    editable = project.can_contribute
    caption = f"RACI of {project.code}: activities down, parties across" + (
        f" (rows {page.start_index()}-{page.end_index()} of {len(rows)})" if rows else ""
    )
    table = matrix_render.matrix_table(
        caption=caption,
        groups=groups,
        rows=list(page.object_list),
        parties=parties,
        letters=matrix.letters,
        editable=editable,
        cell_url=_url("raci-cell", project),
        empty_groups=filters.group == "outcome" and not filters.phase,
    )
    # A search box over the register, not a drop-down of every party in the organisation.
    add_column = AddColumnForm(project=project) if project.can_manage else None
    return render(
        request,
        "raci/matrix.html",
        {
            "project": project,
            "matrix": matrix,
            "table": table,
            "page": page,
            "rows_total": len(rows),
            "parties_shown": len(parties),
            "filters": filters,
            "who_choices": WHO_CHOICES,
            "rows_choices": [*selectors.ROWS_CHOICES, "all"],
            "add_column": add_column,
            "editable": editable,
            "letter_names": LETTER_NAMES,
            "filters_qs": filters.querystring(),
            "quick_add": _quick_add_context(request, matrix, filters) if editable else None,
            **_findings_context(project, matrix, findings, filters.params()),
        },
    )


def _quick_add_context(request, matrix, filters) -> dict:
    """The "New activity" box under the matrix: what was typed if it was refused, and the phase
    it goes in (the one filtered on, else the last activity's, where the new row will show)."""
    phase_id = filters.phase
    if phase_id is None and matrix.activities:
        phase_id = matrix.activities[-1].phase_id
    return {
        "name": (request.GET.get("new") or "")[:300],
        "phase": phase_id,
        "error": request.session.pop(QUICK_ADD_ERROR, ""),
    }


@project_view("contribute")
@require_POST
def cell(request, project):
    """Set or clear one cell; answers with the findings panel as it is now (for the page's script)
    or, without script, sends the browser back to the matrix."""
    activity = Activity.objects.filter(
        project=project, pk=_int(request.POST.get("activity"))
    ).first()
    party = Party.objects.filter(org_id=project.org_id, pk=_int(request.POST.get("party"))).first()
    wants_fragment = request.headers.get("X-Requested-With") == "fetch"
    if activity is None or party is None:
        message = "That activity or party is not in this project's RACI any more: reload the page."
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    activity.project = project
    letter = (request.POST.get("letter") or "").strip().upper()
    try:
        stored, matrix, found = matrix_cache.cell_assign(
            actor=request.user, activity=activity, party=party, letter=letter
        )
    except ValidationError as error:
        if wants_fragment:
            return HttpResponseBadRequest(
                _error_text(error), content_type="text/plain; charset=utf-8"
            )
        messages.error(request, _error_text(error))
        return redirect(_url("raci-matrix", project))
    if not wants_fragment:
        return redirect(_url("raci-matrix", project) + f"?at={activity.pk}#a{activity.pk}")
    filters = MatrixFilters(_query_dict(request.POST.get("filters", "")), matrix)
    response = render(
        request,
        "raci/_findings.html",
        {"project": project, **_findings_context(project, matrix, found, filters.params())},
    )
    response["X-Raci-Letter"] = stored
    return response


def _query_dict(text: str):
    return QueryDict((text or "")[:1000])


@project_view("view")
def findings_page(request, project):
    matrix, found = matrix_cache.matrix_with_findings(project)
    context = _findings_context(project, matrix, found, every=True)
    if request.htmx:
        return render(request, "raci/_findings.html", {"project": project, **context})
    return render(request, "raci/findings.html", {"project": project, **context})


@project_view("view")
def export(request, project):
    fmt = request.GET.get("format", "xlsx")
    layout = request.GET.get("layout", "grid")
    if fmt not in importing.FORMATS or layout not in importing.LAYOUTS:
        return HttpResponseBadRequest(
            "Choose format csv or xlsx and layout grid or list.", content_type="text/plain"
        )
    content, content_type, filename = importing.export_file(project, fmt=fmt, layout=layout)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@project_view("manage")
@require_POST
def party_add(request, project):
    party = Party.objects.filter(org_id=project.org_id, pk=_int(request.POST.get("party"))).first()
    if party is None:
        messages.error(request, "Choose a party from the register.")
    else:
        try:
            services.raci_party_add(actor=request.user, project=project, party=party)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, f"{party.name} now has a column in the RACI.")
    return redirect(_url("raci-matrix", project))


@project_view("manage")
def settings_page(request, project):
    current = selectors.raci_settings_get(project)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.raci_settings_update(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "RACI thresholds saved: the findings use them now.")
            return redirect(_url("raci-matrix", project))
    return render(request, "raci/settings.html", {"project": project, "form": form})


# --- import --------------------------------------------------------------------------------------


@project_view("manage")
def import_upload(request, project):
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        saved_names=saved_mappings.saved_mapping_names(project.org, "raci"),
    )
    saved = None
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("saved_mapping"):
        try:
            saved = saved_mappings.saved_mapping_get(
                project.org, "raci", form.cleaned_data["saved_mapping"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = importing.max_bytes()
        # A saved mapping chosen on upload: its columns read as the PM saved them.
        options = {"mapping": dict(saved.mapping), "saved_mapping": saved.name} if saved else {}
        if upload.size > limit:
            form.add_error(
                "file",
                f"The file is {spreadsheets.human_size(upload.size)}; the limit is "
                f"{spreadsheets.human_size(limit)}. Import the RACI in parts.",
            )
        else:
            content = upload.read()
            try:
                importing.plan_import(
                    project=project,
                    content=content,
                    layout=form.cleaned_data["layout"],
                    create_missing=form.cleaned_data["create_missing"],
                    mapping=options.get("mapping"),
                )
            except spreadsheets.FileProblem as problem:
                form.add_error("file", str(problem))
            else:
                stored = importing.import_store(
                    actor=request.user,
                    project=project,
                    filename=upload.name,
                    content=content,
                    layout=form.cleaned_data["layout"],
                    create_missing=form.cleaned_data["create_missing"],
                    options=options,
                )
                return redirect(_url("raci-import-preview", project, stored.pk))
    return render(
        request,
        "raci/import.html",
        {"project": project, "form": form, "org_slug": project.org.slug},
    )


@project_view("manage")
def import_preview(request, project, raci_import_id):
    upload = get_object_or_404(RaciImport, project=project, pk=raci_import_id)
    if upload.applied_at is not None:
        return render(request, "raci/import_done.html", {"project": project, "upload": upload})
    if request.method == "POST" and request.POST.get("reread"):
        # The PM changed how the file is read: each column's meaning, the sheet, new names.
        mapping = {}
        for key, value in request.POST.items():
            if key.startswith("meaning-") and value in columns.RACI_MEANINGS:
                mapping[request.POST.get("header-" + key[len("meaning-") :], "")] = value
        mapping = {h: m for h, m in mapping.items() if h.strip()}
        saved = save_mapping_from_preview(request, org=project.org, kind="raci", mapping=mapping)
        save_as = (request.POST.get("save_as") or "").strip() if saved else ""
        importing.import_reread(
            upload=upload,
            layout=request.POST.get("layout") or upload.layout,
            create_missing=bool(request.POST.get("create_missing")),
            options={
                "mapping": mapping,
                "saved_mapping": save_as or upload.options.get("saved_mapping", ""),
                "sheet": request.POST.get("sheet") or "",
                # The new parties the PM ticked as groups (when the list was shown).
                "groups": request.POST.getlist("group")
                if request.POST.get("groups_shown")
                else upload.options.get("groups"),
            },
        )
        return redirect(_url("raci-import-preview", project, upload.pk))
    try:
        plan = importing.plan_import(
            project=project, content=bytes(upload.content), **importing.upload_options(upload)
        )
    except spreadsheets.FileProblem as problem:
        messages.error(request, str(problem))
        return redirect(_url("raci-import", project))
    if request.method == "POST":
        only_valid = request.POST.get("rows") == "valid"
        shown = {c.header: c.meaning for c in plan.columns if c.header}
        if not save_mapping_from_preview(request, org=project.org, kind="raci", mapping=shown):
            return redirect(_url("raci-import-preview", project, upload.pk))
        try:
            result = importing.import_apply(
                actor=request.user, upload=upload, only_valid=only_valid
            )
        except importing.ImportRefused as refused:
            messages.error(request, str(refused))
        except ValidationError as error:
            messages.error(request, f"Nothing was imported: {_error_text(error)}")
        except spreadsheets.FileProblem as problem:
            messages.error(request, f"Nothing was imported: {problem}")
        else:
            messages.success(
                request,
                f"Imported {_count(result['activities_imported'], 'activity', 'activities')} "
                f"({result['activities_created']} new): "
                f"{_count(result['letters_added'], 'letter')} added, "
                f"{result['letters_changed']} changed, {result['letters_removed']} removed.",
            )
            return redirect(_url("raci-matrix", project))
    problems = plan.problems
    return render(
        request,
        "raci/import_preview.html",
        {
            "project": project,
            "upload": upload,
            "plan": plan,
            "summary": plan.summary(),
            "problems": problems[:500],
            "more_problems": max(0, len(problems) - 500),
            "meanings": list(columns.RACI_MEANINGS.items()),
            "layouts": [("auto", "Detect it"), ("grid", "Grid"), ("list", "List")],
            "save_as": (upload.options or {}).get("saved_mapping", ""),
            "org_slug": project.org.slug,
        },
    )


# --- activities and phases -----------------------------------------------------------------------


@project_view("view")
def activities(request, project):
    return _activities_page(request, project)


def _activities_page(request, project, *, edited=None, edit_form=None):
    """The Activities page; `edited`/`edit_form` redisplay one row's inline edit with its errors
    and what was typed."""
    phases = list(project.phases.all())
    items = list(
        Activity.objects.filter(project=project)
        .prefetch_related("outcomes")
        .order_by("position", "pk")
    )
    by_phase = {p.pk: [] for p in phases}
    loose = []
    progress = selectors.consulted_progress(project)
    promised = _promise_findings(project)
    for activity in items:
        activity.consulted = progress.get(activity.pk)
        activity.promise_findings = promised.get(activity.pk, [])
        activity.schedule = {
            "planned_start": activity.planned_start.isoformat() if activity.planned_start else "",
            "planned_finish": (
                activity.planned_finish.isoformat() if activity.planned_finish else ""
            ),
            "status": activity.status,
            "errors": [],
        }
        if edited is not None and activity.pk == edited.pk and edit_form is not None:
            activity.schedule = {
                "planned_start": edit_form.data.get("planned_start", ""),
                "planned_finish": edit_form.data.get("planned_finish", ""),
                "status": edit_form.data.get("status", ""),
                "errors": _form_error_lines(edit_form),
            }
        (by_phase[activity.phase_id] if activity.phase_id in by_phase else loose).append(activity)
    groups = [(p, by_phase[p.pk]) for p in phases]
    if loose or not phases:
        groups.append((None, loose))
    return render(
        request,
        "raci/activities.html",
        {
            "project": project,
            "groups": groups,
            "count": len(items),
            "phase_form": PhaseForm(),
            "status_choices": ActivityStatus.choices,
            "contingency": _contingency_task(
                project, max((a.planned_finish for a in items if a.planned_finish), default=None)
            ),
        },
    )


def _form_error_lines(form) -> list[str]:
    """Each error with the field it is about, in words: "Planned finish: …"."""
    lines = []
    for field, errors in form.errors.items():
        label = "" if field == "__all__" else field.replace("_", " ").capitalize() + ": "
        lines += [label + str(error) for error in errors]
    return lines


@project_view("contribute")
@require_POST
def activity_schedule(request, project, activity_id):
    """The inline edit of one row of the Activities page: planned start, planned finish and
    status. Back to the same row; on a mistake the row shows what was typed and why."""
    activity = get_object_or_404(Activity, project=project, pk=activity_id)
    activity.project = project
    form = ActivityScheduleForm(request.POST)
    if form.is_valid():
        try:
            activity = services.activity_update(
                actor=request.user, activity=activity, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{activity.name}” saved.")
            return redirect(_url("raci-activities", project) + f"#activity-{activity.pk}")
    return _activities_page(request, project, edited=activity, edit_form=form)


@project_view("contribute")
@require_POST
def activity_quick_add(request, project):
    """The RACI's "New activity": a name (in the phase chosen beside it) and Enter. Back to the
    matrix, on the page that shows the new row."""
    filters = _query_dict(request.POST.get("filters", "")).dict()
    filters.pop("at", None)
    name = (request.POST.get("name") or "").strip()
    phase_id = _int(request.POST.get("phase"))
    phase = project.phases.filter(pk=phase_id).first() if phase_id else None
    matrix_url = _url("raci-matrix", project)
    try:
        if phase_id and phase is None:
            raise ValidationError("That phase is not in this project any more: reload the page.")
        activity = services.activity_create(
            actor=request.user, project=project, name=name, phase=phase
        )
    except ValidationError as error:
        # Keep what was typed in the box, with the reason above it.
        # Shown beside the box (the page opens there), not in the messages at the top.
        request.session[QUICK_ADD_ERROR] = f"“{name}” was not added: {_error_text(error)}"
        query = urlencode({**filters, "new": name[:300]})
        return redirect(f"{matrix_url}?{query}#quick-add")
    messages.success(request, f"Activity “{activity.name}” added.")
    query = urlencode({**filters, "at": activity.pk})
    return redirect(f"{matrix_url}?{query}#a{activity.pk}")


@project_view("view")
def timeline_page(request, project):
    """Phases, activities and milestones on a time axis (SVG drawn here), baselines under the
    bars, slips in the warning colour, today marked, and the estimate's contingency last."""
    phases = list(project.phases.all())
    items = list(Activity.objects.filter(project=project).order_by("position", "pk"))
    order = {p.pk: i for i, p in enumerate(phases)}
    names = {p.pk: p.name for p in phases}
    items.sort(key=lambda a: order.get(a.phase_id, len(phases)))  # stable: keeps positions
    entries = [
        timeline.Entry(
            name=a.name,
            group=names.get(a.phase_id, ""),
            kind=a.kind,
            status=a.status,
            start=a.planned_start,
            finish=a.planned_finish,
            baseline_start=a.baseline_start,
            baseline_finish=a.baseline_finish,
        )
        for a in items
    ]
    contingency = _contingency_task(
        project, max((a.planned_finish for a in items if a.planned_finish), default=None)
    )
    if contingency and contingency["start"] and contingency["finish"]:
        entries.append(
            timeline.Entry(
                name=contingency["name"],
                group="End of the schedule: contingency",
                start=contingency["start"],
                finish=contingency["finish"],
                contingency=True,
            )
        )
    chart = timeline.layout(entries, today=timezone.localdate())
    svg = timeline.svg(
        chart, title=f"Timeline of {project.code}", desc=timeline.description(entries)
    )
    statuses, kinds = dict(ActivityStatus.choices), dict(ActivityKind.choices)
    rows = [
        {
            "entry": e,
            "group": e.group or ("" if e.contingency else "No phase"),
            "kind": "Contingency" if e.contingency else kinds.get(e.kind, e.kind),
            "status": "" if e.contingency else statuses.get(e.status, e.status),
        }
        for e in entries
    ]
    return render(
        request,
        "raci/timeline.html",
        {
            "project": project,
            "svg": mark_safe(svg),  # noqa: S308 - timeline.svg escapes every name
            "rows": rows,
            "count": len(items),
            "slipped": sum(1 for e in entries if e.slip_days),
            "contingency": contingency,
        },
    )


def _contingency_task(project, last_finish) -> dict | None:
    """The estimate's contingency, shown as the schedule's last task after `last_finish` (issue
    14): read from the latest simulation, never stored as an activity."""
    from rapport.estimates.report import contingency_task

    return contingency_task(project, after=last_finish)


def _promise_findings(project) -> dict:
    """Promises dated before the plan item that delivers them, by activity (issue 14)."""
    from rapport.promises.selectors import plan_date_findings

    return plan_date_findings(project).by_activity


def _activity_form_page(request, project, activity=None):
    initial = ActivityForm.initial_for(activity) if activity else None
    if activity is None and request.GET.get("phase"):
        initial = {"phase": _int(request.GET.get("phase"))}
    form = ActivityForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        phases = {p.pk: p for p in project.phases.all()}
        fields = form.activity_fields(phases)
        try:
            if activity is None:
                name = fields.pop("name")
                phase = fields.pop("phase")
                activity = services.activity_create(
                    actor=request.user, project=project, name=name, phase=phase, **fields
                )
                verb = "added"
            else:
                activity.project = project
                activity = services.activity_update(actor=request.user, activity=activity, **fields)
                verb = "saved"
            services.activity_outcomes_set(
                actor=request.user, activity=activity, outcomes=form.chosen_outcomes()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Activity “{activity.name}” {verb}.")
            return redirect(_url("raci-activities", project) + f"#activity-{activity.pk}")
    promise_findings = _promise_findings(project).get(activity.pk, []) if activity else []
    return render(
        request,
        "raci/activity_form.html",
        {
            "project": project,
            "form": form,
            "activity": activity,
            "promise_findings": promise_findings,
        },
    )


@project_view("contribute")
def activity_new(request, project):
    return _activity_form_page(request, project)


@project_view("contribute")
def activity_edit(request, project, activity_id):
    activity = get_object_or_404(Activity, project=project, pk=activity_id)
    return _activity_form_page(request, project, activity)


@project_view("contribute")
@require_POST
def activity_delete(request, project, activity_id):
    activity = get_object_or_404(Activity, project=project, pk=activity_id)
    activity.project = project
    services.activity_delete(actor=request.user, activity=activity)
    messages.success(request, f"Activity “{activity.name}” deleted, with its letters.")
    return redirect(_url("raci-activities", project))


@project_view("contribute")
@require_POST
def activity_move(request, project, activity_id):
    activity = get_object_or_404(Activity, project=project, pk=activity_id)
    try:
        services.activity_move(
            actor=request.user, activity=activity, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(_url("raci-activities", project) + f"#activity-{activity.pk}")


@project_view("contribute")
def activity_letters(request, project, activity_id):
    """Every party's letter on one activity, as a plain form: the matrix without a script."""
    activity = get_object_or_404(Activity, project=project, pk=activity_id)
    activity.project = project
    matrix = selectors.matrix_get(project)
    current = matrix.letters.get(activity.pk, {})
    parties = matrix.parties
    if request.method == "POST":
        party_objects = {p.pk: p for p in Party.objects.filter(pk__in=[p.id for p in parties])}
        cells = []
        for party in parties:
            wanted = (request.POST.get(f"party-{party.id}") or "").strip().upper()
            if wanted not in ("", *LETTERS):
                messages.error(request, f"'{wanted}' is not one of R, A, C, I.")
                break
            if wanted != current.get(party.id, ""):
                cells.append((activity, party_objects[party.id], wanted or None))
        else:
            try:
                services.raci_assign_many(actor=request.user, project=project, cells=cells)
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, f"Letters of “{activity.name}” saved.")
                return redirect(_url("raci-matrix", project) + f"?at={activity.pk}#a{activity.pk}")
    rows = [(p, current.get(p.id, "")) for p in parties]
    return render(
        request,
        "raci/activity_letters.html",
        {
            "project": project,
            "activity": activity,
            "rows": rows,
            "letters": [(letter, LETTER_NAMES[letter]) for letter in LETTERS],
        },
    )


@project_view("view")
def activity_consulted(request, project, activity_id):
    """Who is Consulted on an activity and whether each gave their input before sign-off."""
    activity = get_object_or_404(Activity, project=project, pk=activity_id)
    activity.project = project
    rows = selectors.consulted_rows(activity)
    missing = [r.party.name for r in rows if r.consulted and r.input is None]
    return render(
        request,
        "raci/activity_consulted.html",
        {
            "project": project,
            "activity": activity,
            "rows": rows,
            "missing": missing,
            "signed_off_without_input": activity.status == "done" and bool(missing),
            "today": timezone.localdate(),
        },
    )


@project_view("contribute")
@require_POST
def consulted_input(request, project, activity_id):
    """Record (or, with `remove`, forget) one Consulted party's input on an activity."""
    activity = get_object_or_404(Activity, project=project, pk=activity_id)
    activity.project = project
    party = get_object_or_404(Party, org_id=project.org_id, pk=_int(request.POST.get("party")))
    try:
        if request.POST.get("remove"):
            services.consulted_input_remove(actor=request.user, activity=activity, party=party)
            messages.success(request, f"Input of {party.name} removed.")
        else:
            given_on = parse_date(request.POST.get("given_on") or "")
            if given_on is None:
                raise ValidationError({"given_on": ["Give the date as YYYY-MM-DD."]})
            services.consulted_input_record(
                actor=request.user,
                activity=activity,
                party=party,
                given_on=given_on,
                note=request.POST.get("note", "")[:5000],
            )
            messages.success(request, f"Input of {party.name} recorded.")
    except (ValidationError, ValueError) as error:
        text = _error_text(error) if isinstance(error, ValidationError) else "That is not a date."
        messages.error(request, f"{party.name}: {text}")
    return redirect(_url("raci-activity-consulted", project, activity.pk) + f"#party-{party.pk}")


@project_view("contribute")
@require_POST
def phase_new(request, project):
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            phase = services.phase_create(
                actor=request.user, project=project, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, f"Phase “{phase.name}” added.")
    else:
        messages.error(request, "Name the phase.")
    return redirect(_url("raci-activities", project))


@project_view("contribute")
def phase_edit(request, project, phase_id):
    phase = get_object_or_404(Phase, project=project, pk=phase_id)
    form = PhaseForm(request.POST or None, initial={"name": phase.name})
    if request.method == "POST" and form.is_valid():
        phase.project = project
        try:
            services.phase_update(actor=request.user, phase=phase, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Phase renamed “{phase.name}”.")
            return redirect(_url("raci-activities", project))
    return render(
        request, "raci/phase_form.html", {"project": project, "form": form, "phase": phase}
    )


@project_view("contribute")
@require_POST
def phase_delete(request, project, phase_id):
    phase = get_object_or_404(Phase, project=project, pk=phase_id)
    phase.project = project
    services.phase_delete(actor=request.user, phase=phase)
    messages.success(request, f"Phase “{phase.name}” deleted; its activities have no phase now.")
    return redirect(_url("raci-activities", project))


@project_view("contribute")
@require_POST
def phase_move(request, project, phase_id):
    phase = get_object_or_404(Phase, project=project, pk=phase_id)
    phase.project = project
    try:
        services.phase_move(
            actor=request.user, phase=phase, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(_url("raci-activities", project))


# --- SIPOC + Outcome -----------------------------------------------------------------------------


@project_view("view")
def sipoc_list(request, project):
    return render(
        request,
        "raci/sipoc_list.html",
        {"project": project, "processes": selectors.sipoc_list(project), "form": SipocForm()},
    )


@project_view("contribute")
@require_POST
def sipoc_new(request, project):
    form = SipocForm(request.POST)
    if form.is_valid():
        try:
            process = services.sipoc_create(
                actor=request.user, project=project, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(_url("sipoc-detail", project, process.pk))
    return render(
        request,
        "raci/sipoc_list.html",
        {"project": project, "processes": selectors.sipoc_list(project), "form": form},
        status=400,
    )


def _process(project, process_id) -> SipocProcess:
    process = get_object_or_404(SipocProcess, project=project, pk=process_id)
    process.project = project
    return process


def _sipoc_choices(project, view):
    supplier_ids = {s.party_id for s in view.suppliers}
    customer_ids = {c.party_id for c in view.customers}
    chosen_outcomes = {o.pk for o in view.outcomes}
    parties = list(Party.objects.filter(org_id=project.org_id).only("id", "name", "organisation"))
    customers_first = set(
        ProjectStakeholder.objects.filter(project=project, is_customer=True).values_list(
            "party_id", flat=True
        )
    )
    return {
        "supplier_parties": [p for p in parties if p.pk not in supplier_ids],
        "customer_parties": sorted(
            (p for p in parties if p.pk not in customer_ids),
            key=lambda p: (p.pk not in customers_first, p.name.casefold()),
        ),
        "free_outcomes": [
            o for o in Outcome.objects.filter(project=project) if o.pk not in chosen_outcomes
        ],
        "deliverables": list(
            Activity.objects.filter(project=project).order_by("position").only("id", "name", "kind")
        ),
        "flow_kinds": FlowKind.choices,
    }


@project_view("view")
def sipoc_detail(request, project, process_id):
    process = _process(project, process_id)
    view = selectors.sipoc_get(process)
    context = {"project": project, "view": view, "process": process}
    if project.can_contribute:
        context.update(_sipoc_choices(project, view))
    return render(request, "raci/sipoc_detail.html", context)


@project_view("contribute")
def sipoc_edit(request, project, process_id):
    process = _process(project, process_id)
    form = SipocForm(
        request.POST or None, initial={"name": process.name, "description": process.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sipoc_update(actor=request.user, process=process, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Process saved.")
            return redirect(_url("sipoc-detail", project, process.pk))
    return render(
        request, "raci/sipoc_form.html", {"project": project, "form": form, "process": process}
    )


@project_view("contribute")
@require_POST
def sipoc_delete(request, project, process_id):
    process = _process(project, process_id)
    services.sipoc_delete(actor=request.user, process=process)
    messages.success(request, f"SIPOC “{process.name}” deleted.")
    return redirect(_url("sipoc-list", project))


@project_view("contribute")
@require_POST
def sipoc_item_add(request, project, process_id, column):
    process = _process(project, process_id)
    if column not in services.SIPOC_COLUMNS:
        return HttpResponseBadRequest("No such SIPOC column.", content_type="text/plain")
    post = request.POST
    party = outcome = supplier = activity = None
    if post.get("party"):
        party = Party.objects.filter(org_id=project.org_id, pk=_int(post["party"])).first()
    if post.get("outcome"):
        outcome = Outcome.objects.filter(project=project, pk=_int(post["outcome"])).first()
    if post.get("supplier"):
        supplier = process.suppliers.filter(pk=_int(post["supplier"])).first()
    if post.get("activity"):
        activity = Activity.objects.filter(project=project, pk=_int(post["activity"])).first()
    try:
        services.sipoc_item_add(
            actor=request.user,
            process=process,
            column=column,
            name=post.get("name", "")[:300],
            party=party,
            outcome=outcome,
            supplier=supplier,
            activity=activity,
            kind=post.get("kind", "")[:20],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"Added to {column}.")
    return redirect(_url("sipoc-detail", project, process.pk) + f"#col-{column}")


def _sipoc_item(process, column, item_id):
    try:
        return services.sipoc_item_get(process, column, item_id)
    except LookupError:
        raise Http404("No such entry") from None


@project_view("contribute")
@require_POST
def sipoc_item_remove(request, project, process_id, column, item_id):
    process = _process(project, process_id)
    item = _sipoc_item(process, column, item_id)
    services.sipoc_item_remove(actor=request.user, process=process, column=column, item=item)
    messages.success(request, f"Removed “{item}” from {column}.")
    return redirect(_url("sipoc-detail", project, process.pk) + f"#col-{column}")


@project_view("contribute")
@require_POST
def sipoc_item_move(request, project, process_id, column, item_id):
    process = _process(project, process_id)
    item = _sipoc_item(process, column, item_id)
    try:
        services.sipoc_item_move(
            actor=request.user,
            process=process,
            column=column,
            item=item,
            direction=request.POST.get("direction", ""),
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(_url("sipoc-detail", project, process.pk) + f"#col-{column}")


@project_view("contribute")
@require_POST
def sipoc_links(request, project, process_id):
    process = _process(project, process_id)
    produces, serves = set(), set()
    for value in request.POST.getlist("produces"):
        a, _, b = value.partition("-")
        if _int(a) is not None and _int(b) is not None:
            produces.add((int(a), int(b)))
    for value in request.POST.getlist("serves"):
        a, _, b = value.partition("-")
        if _int(a) is not None and _int(b) is not None:
            serves.add((int(a), int(b)))
    try:
        services.sipoc_links_set(
            actor=request.user, process=process, produces=produces, serves=serves
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "Links saved.")
    return redirect(_url("sipoc-detail", project, process.pk) + "#links")


@project_view("view")
def sipoc_export(request, project, process_id):
    from .sipoc_export import sipoc_xlsx

    process = _process(project, process_id)
    content = sipoc_xlsx(selectors.sipoc_get(process))
    response = HttpResponse(content, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{project.code}-sipoc-{process.pk}.xlsx"'
    )
    return response


@project_view("view")
def sipoc_print(request, project, process_id):
    process = _process(project, process_id)
    view = selectors.sipoc_get(process)
    return render(
        request, "raci/sipoc_print.html", {"project": project, "view": view, "process": process}
    )
