"""SLA pages: thin. Viewers read agreements and breaches; managers write agreements and their
obligations; contributors record the breaches Rapport cannot see."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rapport.accounts.access import project_view
from rapport.lib.forms import add_service_errors
from rapport.relations.selectors import project_today

from . import selectors, services
from .forms import AgreementForm, BreachForm, ObligationForm
from .models import Side

SHOWN = 50  # breaches listed per side; the count says how many in all


def _list(project):
    return redirect("sla-list", org=project.org.slug, code=project.code)


@project_view("view")
def sla_list(request, project):
    days = selectors.window_days(project)
    now = timezone.now()
    rows = selectors.breaches(project, since=now - timedelta(days=days), now=now)
    sides = [
        {
            "side": side,
            "label": label,
            "rows": [r for r in rows if r.side == side],
        }
        for side, label in Side.choices
    ]
    for s in sides:
        s["count"] = len(s["rows"])
        s["rows"] = s["rows"][:SHOWN]
    agreements = list(selectors.agreement_list(project))
    for a in agreements:
        obligations = list(a.obligations.all())
        a.by_side = [
            {"label": label, "obligations": [o for o in obligations if o.side == side]}
            for side, label in Side.choices
        ]
    return render(
        request,
        "slas/sla_list.html",
        {
            "project": project,
            "agreements": agreements,
            "sides": sides,
            "days": days,
            "shown": SHOWN,
        },
    )


@project_view("manage")
def agreement_new(request, project):
    form = AgreementForm(request.POST or None, initial={"agreed_on": project_today(project)})
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                actor=request.user, project=project, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Agreement “{agreement}” recorded: now add its obligations.")
            return redirect("sla-obligation-new", project.org.slug, project.code, agreement.pk)
    return render(
        request, "slas/agreement_form.html", {"project": project, "form": form, "agreement": None}
    )


@project_view("manage")
def agreement_edit(request, project, agreement_id):
    agreement = selectors.agreement_get(project, agreement_id)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return _list(project)
    return render(
        request,
        "slas/agreement_form.html",
        {"project": project, "form": form, "agreement": agreement},
    )


@project_view("manage")
def obligation_new(request, project, agreement_id):
    agreement = selectors.agreement_get(project, agreement_id)
    initial = {"side": request.GET.get("side") or "it"}
    form = ObligationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            obligation = services.obligation_add(
                actor=request.user, agreement=agreement, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added: {obligation}.")
            return _list(project)
    return render(
        request,
        "slas/obligation_form.html",
        {"project": project, "form": form, "agreement": agreement, "obligation": None},
    )


@project_view("manage")
def obligation_edit(request, project, obligation_id):
    obligation = selectors.obligation_get(project, obligation_id)
    form = ObligationForm(request.POST or None, instance=obligation)
    if request.method == "POST" and form.is_valid():
        try:
            services.obligation_update(
                actor=request.user, obligation=obligation, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return _list(project)
    return render(
        request,
        "slas/obligation_form.html",
        {
            "project": project,
            "form": form,
            "agreement": obligation.agreement,
            "obligation": obligation,
        },
    )


@project_view("manage")
@require_POST
def obligation_delete(request, project, obligation_id):
    obligation = selectors.obligation_get(project, obligation_id)
    services.obligation_delete(actor=request.user, obligation=obligation)
    messages.success(request, f"Deleted: {obligation}.")
    return _list(project)


@project_view("contribute")
def breach_new(request, project):
    initial = {"occurred_on": project_today(project)}
    if request.GET.get("obligation", "").isdigit():
        initial["obligation"] = int(request.GET["obligation"])
    form = BreachForm(
        request.POST or None, initial=initial, obligations=selectors.obligation_choices(project)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            breach = services.breach_record(
                actor=request.user,
                obligation=data["obligation"],
                occurred_on=data["occurred_on"],
                what=data["what"],
                today=project_today(project),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded: {breach}.")
            return _list(project)
    return render(request, "slas/breach_form.html", {"project": project, "form": form})


@project_view("contribute")
@require_POST
def breach_delete(request, project, breach_id):
    breach = selectors.breach_get(project, breach_id)
    services.breach_delete(actor=request.user, breach=breach)
    messages.success(request, f"Deleted: {breach}.")
    return _list(project)
