"""Status pages: the project's status and health, writing and publishing updates, corrections,
risks, health settings, and the organisation board. Thin: access through the decorators, reads
through selectors, writes through services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rapport.accounts.access import org_view, project_view
from rapport.lib.forms import add_service_errors
from rapport.lib.pagination import paginate
from rapport.stakeholders.models import Party

from . import rules, selectors, services
from .forms import (
    BoardFilterForm,
    DecisionFormSet,
    HealthSettingsForm,
    ObstacleFormSet,
    RiskForm,
    StatusUpdateForm,
    item_rows,
)
from .health_kept import project_health_now
from .models import Risk


def _parties(project):
    return Party.objects.filter(stakeholdings__project=project).order_by("name").distinct()


def _home(project):
    return redirect("status-home", org=project.org.slug, code=project.code)


@project_view("view")
def status_home(request, project):
    health = project_health_now(project)
    updates = list(selectors.status_list(project)[:20])
    return render(
        request,
        "status/status_home.html",
        {
            "project": project,
            "health": health,
            "report": health.report,
            "current": health.update,
            "updates": updates,
            "history": selectors.snapshot_history(project, limit=20)[::-1],
            "open_risks": selectors.top_risks(project, limit=5),
        },
    )


def _item_initial(update):
    if update is None:
        return [], []
    obstacles = [
        {"text": o.text, "impact": o.impact, "customers": list(o.customers.all())}
        for o in update.obstacles.all()
    ]
    decisions = [
        {"text": d.text, "needed_from": d.needed_from, "needed_by": d.needed_by}
        for d in update.decisions.all()
    ]
    return obstacles, decisions


def _status_form(request, project, *, update=None, correcting=False, initial=None):
    parties = _parties(project)
    obstacles, decisions = _item_initial(update)
    data = request.POST if request.method == "POST" else None
    form = StatusUpdateForm(
        data, instance=None, initial=initial or _fields_of(update), correcting=correcting
    )
    obstacle_set = ObstacleFormSet(
        data, prefix="obstacles", initial=obstacles, form_kwargs={"parties": parties}
    )
    decision_set = DecisionFormSet(
        data, prefix="decisions", initial=decisions, form_kwargs={"parties": parties}
    )
    return form, obstacle_set, decision_set


def _fields_of(update) -> dict:
    if update is None:
        return {}
    return {name: getattr(update, name) for name in services.UPDATE_FIELDS}


def _render_form(request, project, form, obstacle_set, decision_set, **extra):
    # The evidence sits beside the colour pickers: choosing a colour is when it matters.
    health = selectors.project_health(project)
    return render(
        request,
        "status/status_form.html",
        {
            "project": project,
            "form": form,
            "obstacles": obstacle_set,
            "decisions": decision_set,
            "health": health,
            "evidence": rules.signals_by_dimension(health.report.evidence.signals),
            "measured": selectors.measured_progress(project),
            "error_count": len(form.errors)
            + sum(len(f.errors) for f in (*obstacle_set.forms, *decision_set.forms) if f.errors),
            **extra,
        },
    )


@project_view("manage")
def status_new(request, project):
    previous = selectors.status_current(project)
    start, end = services.period_default(project)
    initial = _fields_of(previous)
    initial.update(
        {
            "period_start": start,
            "period_end": end,
            "not_going_well": "",
            "spent": initial.get("spent"),
        }
    )
    form, obstacle_set, decision_set = _status_form(request, project, update=None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and obstacle_set.is_valid()
        and decision_set.is_valid()
    ):
        publish = "publish" in request.POST
        try:
            update = services.status_update_create(
                actor=request.user,
                project=project,
                obstacles=item_rows(obstacle_set),
                decisions=item_rows(decision_set),
                publish=publish,
                **form.update_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Status published." if publish else "Draft saved. Preview it, then publish.",
            )
            return redirect(
                "status-detail", org=project.org.slug, code=project.code, status_update_id=update.pk
            )
    return _render_form(request, project, form, obstacle_set, decision_set, creating=True)


@project_view("view")
def status_detail(request, project, status_update_id):
    update = selectors.status_get(project, status_update_id)
    from rapport.comms import reports
    from rapport.comms.selectors import plan_rows, recipients_by_row

    rows = [r for r in plan_rows(project) if r.is_delivered and r.active]
    recipients = recipients_by_row(rows)
    data = reports.report_data(update, detailed=True, dashboard=False)
    report_html = reports.render_fragment(
        data,
        recipient=reports.Recipient(None, "the project team"),
        comm_type="detailed",
        embedded=True,
    )
    return render(
        request,
        "status/status_detail.html",
        {
            "project": project,
            "update": update,
            "previews": [(row, recipients[row.pk]) for row in rows],
            "report_html": report_html,
        },
    )


@project_view("manage")
def status_edit(request, project, status_update_id):
    update = selectors.status_get(project, status_update_id)
    if update.is_published:
        messages.info(
            request, "A published update does not change: publish a correction with a reason."
        )
        return redirect(
            "status-correct", org=project.org.slug, code=project.code, status_update_id=update.pk
        )
    form, obstacle_set, decision_set = _status_form(request, project, update=update)
    if (
        request.method == "POST"
        and form.is_valid()
        and obstacle_set.is_valid()
        and decision_set.is_valid()
    ):
        try:
            services.status_update_update(
                actor=request.user,
                update=update,
                obstacles=item_rows(obstacle_set),
                decisions=item_rows(decision_set),
                **form.update_fields(),
            )
            if "publish" in request.POST:
                services.status_update_publish(actor=request.user, update=update)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Status published." if "publish" in request.POST else "Draft saved."
            )
            return redirect(
                "status-detail", org=project.org.slug, code=project.code, status_update_id=update.pk
            )
    return _render_form(request, project, form, obstacle_set, decision_set, update=update)


@project_view("manage")
@require_POST
def status_publish(request, project, status_update_id):
    update = selectors.status_get(project, status_update_id)
    try:
        services.status_update_publish(actor=request.user, update=update)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(
            "status-edit", org=project.org.slug, code=project.code, status_update_id=update.pk
        )
    messages.success(request, "Status published. Reports due from now on use it.")
    return redirect(
        "status-detail", org=project.org.slug, code=project.code, status_update_id=update.pk
    )


@project_view("manage")
def status_correct(request, project, status_update_id):
    update = selectors.status_get(project, status_update_id)
    if not update.is_published:
        return redirect(
            "status-edit", org=project.org.slug, code=project.code, status_update_id=update.pk
        )
    form, obstacle_set, decision_set = _status_form(
        request, project, update=update, correcting=True
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and obstacle_set.is_valid()
        and decision_set.is_valid()
    ):
        try:
            correction = services.status_update_correct(
                actor=request.user,
                update=update,
                reason=form.cleaned_data["correction_reason"],
                obstacles=item_rows(obstacle_set),
                decisions=item_rows(decision_set),
                **form.update_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Correction published as version {correction.version}.")
            return redirect(
                "status-detail",
                org=project.org.slug,
                code=project.code,
                status_update_id=correction.pk,
            )
    return _render_form(
        request, project, form, obstacle_set, decision_set, update=update, correcting=True
    )


@project_view("manage")
@require_POST
def status_delete(request, project, status_update_id):
    update = selectors.status_get(project, status_update_id)
    try:
        services.status_update_delete(actor=request.user, update=update)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Draft deleted.")
    return _home(project)


# --- risks ------------------------------------------------------------------------------------


@project_view("view")
def risk_list(request, project):
    return render(
        request,
        "status/risk_list.html",
        {"project": project, "risks": selectors.risk_list(project), "form": RiskForm()},
    )


@project_view("contribute")
@require_POST
def risk_add(request, project):
    form = RiskForm(request.POST)
    if form.is_valid():
        try:
            services.risk_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Risk added.")
    else:
        messages.error(request, "Give the risk a title, a probability and an impact.")
    return redirect("risk-list", org=project.org.slug, code=project.code)


@project_view("contribute")
def risk_edit(request, project, risk_id):
    risk = get_object_or_404(Risk, project=project, pk=risk_id)
    form = RiskForm(request.POST or None, instance=risk)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_update(actor=request.user, risk=risk, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Risk saved.")
            return redirect("risk-list", org=project.org.slug, code=project.code)
    return render(
        request, "status/risk_form.html", {"project": project, "form": form, "risk": risk}
    )


@project_view("contribute")
@require_POST
def risk_close(request, project, risk_id):
    risk = get_object_or_404(Risk, project=project, pk=risk_id)
    services.risk_close(actor=request.user, risk=risk, reopen="reopen" in request.POST)
    messages.success(request, "Risk reopened." if "reopen" in request.POST else "Risk closed.")
    return redirect("risk-list", org=project.org.slug, code=project.code)


# --- health settings and the board -------------------------------------------------------------


@project_view("manage")
def health_settings(request, project):
    config = selectors.health_config_get(project)
    form = HealthSettingsForm(request.POST or None, config=config)
    if request.method == "POST" and form.is_valid():
        try:
            services.health_config_set(
                actor=request.user,
                project=project,
                margin=form.cleaned_data["margin"],
                overrides=form.overrides(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Health settings saved.")
            return _home(project)
    return render(request, "status/health_settings.html", {"project": project, "form": form})


# A screenful: each row carries a dozen snapshots of history.
BOARD_PAGE_SIZE = 25


@org_view("member")
def org_board(request, org):
    filters = BoardFilterForm(request.GET or None, org=org)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    projects = selectors.board_projects(
        org,
        request.user,
        state=chosen.get("state") or "",
        colour=chosen.get("colour") or "",
        watermelon=bool(chosen.get("watermelon")),
        manager_id=chosen["manager"].pk if chosen.get("manager") else None,
    )
    page = paginate(request, projects, per_page=BOARD_PAGE_SIZE)
    return render(
        request,
        "status/board.html",
        {
            "org": org,
            "filters": filters,
            "chosen": chosen,
            "managers": filters.fields["manager"].queryset.only("pk", "full_name", "email"),
            "filtered": any(chosen.values()),
            "page": page,
            "rows": selectors.board_rows(page.object_list),
            "watermelons": projects.filter(latest_watermelon=True).count(),
        },
    )
