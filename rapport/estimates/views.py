"""Estimate pages: thin. Viewers read; contributors record estimates; managers set the sponsor's
target, run the simulation and restore versions."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from rapport.accounts.access import org_view, project_view
from rapport.lib.forms import add_service_errors
from rapport.raci import services as raci

from . import calibration, selectors, services, track_charts, versions
from .forms import (
    ActivityEstimateForm,
    AddActivityForm,
    ClearConstraintForm,
    ConstraintForm,
    DeleteEstimateForm,
    RestoreForm,
    RunForm,
    SheetForm,
    plain,
)
from .pdf import explanation_pdf, pdf_filename
from .report import run_report
from .track_record import track_record_summary

User = get_user_model()


def _home(project, anchor: str = ""):
    url = reverse("estimate-home", args=[project.org.slug, project.code])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _saved_message(request, saved, what: str) -> None:
    if saved.version is None:
        messages.info(request, "Nothing changed, so no new version was made.")
    else:
        messages.success(request, f"{what} Saved as version {saved.version.number}.")


def _people(project, user):
    """The project's team, and the signed-in person (an organisation owner may have no role)."""
    people = list(
        User.objects.filter(project_memberships__project=project).order_by("full_name", "email")
    )
    return people if any(u.pk == user.pk for u in people) else [user, *people]


@project_view("view")
def estimate_home(request, project):
    rows = selectors.activity_rows(project)
    run = selectors.run_latest(project)
    current = selectors.version_current(project)
    last = run.result if run else {}
    return render(
        request,
        "estimates/estimate_home.html",
        {
            "project": project,
            "rows": rows,
            "estimated": sum(1 for a in rows if a.estimate_or_none is not None),
            "constraint": selectors.constraint_get(project),
            "run": run,
            "report": run_report(project, run) if run else None,
            "current": current,
            "run_form": RunForm(
                initial={
                    "confidence": str(run.confidence) if run else "0.8",
                    "distribution": run.distribution if run else "pert",
                    "iterations": run.iterations if run else 10_000,
                }
            ),
            "add_form": AddActivityForm(),
            "last": last,
        },
    )


@project_view("contribute")
def estimate_sheet(request, project):
    rows = selectors.activity_rows(project)
    form = SheetForm(request.POST or None, activities=rows)
    if request.method == "POST" and form.is_valid():
        changed = form.rows()
        if not form.errors:
            try:
                saved = services.estimates_set_many(
                    actor=request.user,
                    project=project,
                    rows=changed,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                _saved_message(request, saved, "Estimates saved.")
                return _home(project, "activities")
    return render(
        request, "estimates/estimate_sheet.html", {"project": project, "form": form, "rows": rows}
    )


@project_view("contribute")
def estimate_activity(request, project, activity_id):
    activity = selectors.activity_get(project, activity_id)
    rows = selectors.activity_rows(project)
    me = next(a for a in rows if a.pk == activity.pk)
    estimate = me.estimate_or_none
    initial = {"predecessors": [str(p.pk) for p in me.predecessors]}
    if estimate is not None:
        initial.update(
            {
                f"{what}_{part}": plain(getattr(estimate, f"{what}_{part}"))
                for what in ("duration", "cost")
                for part in ("optimistic", "most_likely", "pessimistic")
            }
        )
        initial.update(
            method=estimate.method,
            assumptions=estimate.assumptions,
            source=estimate.source,
            estimated_by=str(estimate.estimated_by_id or ""),
        )
    else:
        initial["estimated_by"] = str(request.user.pk)
    people = _people(project, request.user)
    others = [a for a in rows if a.pk != activity.pk]
    form = ActivityEstimateForm(
        request.POST or None,
        initial=initial,
        currency=project.currency,
        people=people,
        others=others,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_id = {str(a.pk): a for a in others}
        person = next((u for u in people if str(u.pk) == data["estimated_by"]), None)
        try:
            saved = services.estimate_set(
                actor=request.user,
                activity=activity,
                reason=data["reason"],
                duration=[
                    data[f"duration_{p}"] for p in ("optimistic", "most_likely", "pessimistic")
                ],
                cost=[data[f"cost_{p}"] for p in ("optimistic", "most_likely", "pessimistic")],
                method=data["method"],
                assumptions=data["assumptions"],
                source=data["source"],
                estimated_by=person,
                predecessors=[by_id[pk] for pk in data["predecessors"] if pk in by_id],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _saved_message(request, saved, f"Estimate of {activity.name} saved.")
            return _home(project, "activities")
    return render(
        request,
        "estimates/estimate_activity.html",
        {
            "project": project,
            "activity": activity,
            "estimate": estimate,
            "form": form,
            "delete_form": DeleteEstimateForm(),
        },
    )


@project_view("contribute")
@require_POST
def estimate_activity_delete(request, project, activity_id):
    activity = selectors.activity_get(project, activity_id)
    form = DeleteEstimateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the estimate is removed.")
        return redirect("estimate-activity", project.org.slug, project.code, activity.pk)
    try:
        saved = services.estimate_delete(
            actor=request.user, activity=activity, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _saved_message(request, saved, f"Estimate of {activity.name} removed.")
    return _home(project, "activities")


@project_view("contribute")
@require_POST
def estimate_activity_add(request, project):
    form = AddActivityForm(request.POST)
    if form.is_valid():
        try:
            activity = raci.activity_create(
                actor=request.user, project=project, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Activity {activity.name} added: now estimate it.")
            return redirect("estimate-activity", project.org.slug, project.code, activity.pk)
    else:
        messages.error(request, "Give the new activity a name.")
    return _home(project, "activities")


@project_view("manage")
def estimate_constraint(request, project):
    constraint = selectors.constraint_get(project)
    initial = {}
    if constraint is not None:
        initial = {
            "finish_date": constraint.finish_date,
            "budget": plain(constraint.budget) if constraint.budget is not None else None,
            "stated_by": constraint.stated_by_id,
            "stated_on": constraint.stated_on,
            "notes": constraint.notes,
        }
    clearing = request.method == "POST" and request.POST.get("action") == "clear"
    form = ConstraintForm(
        None if clearing else (request.POST or None),
        initial=initial,
        org=project.org,
        currency=project.currency,
    )
    clear_form = ClearConstraintForm(request.POST if clearing else None)
    if clearing and clear_form.is_valid():
        try:
            saved = services.constraint_clear(
                actor=request.user, project=project, reason=clear_form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(clear_form, error)
        else:
            _saved_message(request, saved, "The sponsor's target was removed.")
            return _home(project, "target")
    elif request.method == "POST" and not clearing and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.constraint_set(
                actor=request.user,
                project=project,
                reason=data["reason"],
                finish_date=data["finish_date"],
                budget=data["budget"],
                stated_by=data["stated_by"],
                stated_on=data["stated_on"],
                notes=data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _saved_message(request, saved, "The sponsor's target is recorded.")
            return _home(project, "target")
    return render(
        request,
        "estimates/estimate_constraint.html",
        {"project": project, "form": form, "clear_form": clear_form, "constraint": constraint},
    )


@project_view("manage")
@require_POST
def estimate_run(request, project):
    form = RunForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return _home(project, "run")
    data = form.cleaned_data
    try:
        run = services.simulation_run(
            actor=request.user,
            project=project,
            iterations=data["iterations"],
            seed=data["seed"],
            confidence=data["confidence"],
            distribution=data["distribution"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _home(project, "run")
    messages.success(
        request,
        f"Simulated {run.iterations:,} times (seed {run.seed}) in {run.elapsed_ms} ms.",
    )
    return _home(project, "results")


@project_view("manage")
@require_POST
def estimate_run_repeat(request, project):
    run = selectors.run_latest(project)
    if run is None:
        messages.error(request, "There is no run to repeat yet.")
        return _home(project, "run")
    try:
        again = services.simulation_repeat(actor=request.user, run=run)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _home(project, "run")
    same = {k: v for k, v in again.result.items() if k != "version"} == {
        k: v for k, v in run.result.items() if k != "version"
    }
    messages.success(
        request,
        f"Repeated with seed {again.seed}: "
        + ("the same result." if same else "a different result, because the estimate changed."),
    )
    return _home(project, "results")


@project_view("view")
def estimate_versions(request, project):
    found = selectors.versions_with_echoes(project)
    numbers = [v.number for v in found]
    return render(
        request,
        "estimates/estimate_versions.html",
        {
            "project": project,
            "versions": found,
            "default_from": numbers[1] if len(numbers) > 1 else (numbers[0] if numbers else None),
            "default_to": numbers[0] if numbers else None,
        },
    )


@project_view("view")
def estimate_compare(request, project):
    def number(name):
        try:
            return int(request.GET.get(name, ""))
        except ValueError:
            return None

    a, b = number("from"), number("to")
    if a is None or b is None:
        messages.error(request, "Choose two versions to compare.")
        return redirect("estimate-versions", project.org.slug, project.code)
    older, newer = selectors.version_get(project, a), selectors.version_get(project, b)
    changes = versions.compare(older.snapshot, newer.snapshot)
    return render(
        request,
        "estimates/estimate_compare.html",
        {
            "project": project,
            "older": older,
            "newer": newer,
            "changes": changes,
            "same": versions.digest(older.snapshot) == versions.digest(newer.snapshot),
            "before_label": f"Version {older.number}",
            "after_label": f"Version {newer.number}",
            "all_versions": list(selectors.version_list(project).values_list("number", flat=True)),
        },
    )


@project_view("manage")
def estimate_restore(request, project, version_number):
    version = selectors.version_get(project, version_number)
    current = selectors.version_current(project)
    form = RestoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.estimate_restore(
                actor=request.user,
                project=project,
                version=version,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note = f" Skipped (deleted since): {', '.join(saved.skipped)}." if saved.skipped else ""
            messages.success(
                request,
                f"Version {version.number} restored as version {saved.version.number}.{note}",
            )
            return redirect("estimate-versions", project.org.slug, project.code)
    changes = versions.compare(current.snapshot, version.snapshot) if current else []
    return render(
        request,
        "estimates/estimate_restore.html",
        {
            "project": project,
            "version": version,
            "current": current,
            "changes": changes,
            "form": form,
        },
    )


@project_view("view")
def estimate_pdf(request, project):
    pdf = explanation_pdf(project, user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(project)}"'
    return response


@org_view("member")
def track_record(request, org):
    """The organisation's track record: estimates against outcomes over time, per kind of
    activity, estimator, method and phase, the calibration it gives, and promise-keeping rates."""
    summary = track_record_summary(request.user, org)
    points = [
        {
            "date": r.finished_on,
            "label": r.project.code,
            "p50": r.finish_actual / r.finish_p50,
            "p80": r.finish_actual / r.finish_p80,
        }
        for r in summary.projects
        if r.finish_actual is not None and r.finish_p50 and r.finish_p80 and r.finished_on
    ]
    rated = [p for p in summary.promises["people"] if p["share"] is not None]
    charts = {
        "time": track_charts.accuracy_over_time_svg(points),
        "kind": track_charts.ratio_bars_svg(
            summary.by_kind, what="kind of activity", prefix="tr-kind"
        ),
        "estimator": track_charts.ratio_bars_svg(
            summary.by_estimator, what="estimator", prefix="tr-estimator"
        ),
        "promises": track_charts.promise_rates_svg(rated),
    }
    return render(
        request,
        "estimates/track_record.html",
        {"org": org, "summary": summary, "charts": charts, "levels": calibration.LEVELS},
    )
