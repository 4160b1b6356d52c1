"""Satisfaction pages: thin. The team reads trends and records pulses given by phone; a
stakeholder gives pulses through their portal link, without an account."""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from rapport.accounts.access import project_view, public_view
from rapport.comms import selectors as comms_selectors
from rapport.comms.views import _Locked, _locked_redirect, _portal
from rapport.lib.forms import add_service_errors
from rapport.lib.pagination import paginate
from rapport.relations.selectors import project_today

from . import selectors, services
from .forms import PortalPulseForm, PulseForm


def _project_page(project):
    return redirect("satisfaction-project", org=project.org.slug, code=project.code)


@project_view("view")
def satisfaction_project(request, project):
    stakeholders = selectors.stakeholder_choices(project)
    chosen = None
    if request.GET.get("stakeholder", "").isdigit():
        chosen = stakeholders.filter(pk=int(request.GET["stakeholder"])).first()
    page = paginate(
        request, selectors.pulse_list(project, stakeholder_id=chosen.pk if chosen else None)
    )
    return render(
        request,
        "satisfaction/project.html",
        {
            "project": project,
            "page": page,
            "chosen": chosen,
            "stakeholders": stakeholders,
            "overall": selectors.project_trend(project, today=project_today(project)),
            "trends": selectors.stakeholder_trends(project),
        },
    )


def _subject_choices(project):
    """Recent interactions and meetings of the project, as (value, label) for the form."""
    from datetime import timedelta

    from rapport.meetings.models import Meeting
    from rapport.relations.models import Interaction

    since = project_today(project) - timedelta(days=selectors.PORTAL_DAYS)
    choices = [
        (
            f"interaction-{i.pk}",
            f"{i.get_kind_display()} with {i.stakeholder.party.name}, {date_format(i.date, 'MONTH_DAY_FORMAT')}: {i.subject}",
        )
        for i in Interaction.objects.filter(project=project, date__gte=since)
        .select_related("stakeholder__party")
        .order_by("-date", "-pk")[:50]
    ]
    choices += [
        (f"meeting-{m.pk}", f"Meeting: {m}")
        for m in Meeting.objects.filter(project=project, starts_at__date__gte=since).order_by(
            "-starts_at", "-pk"
        )[:50]
    ]
    return choices


def _about(project, value: str):
    from rapport.meetings.models import Meeting
    from rapport.relations.models import Interaction

    if not value:
        return None
    kind, _, pk = value.partition("-")
    model = {"interaction": Interaction, "meeting": Meeting}.get(kind)
    found = model.objects.filter(project=project, pk=pk).first() if model and pk.isdigit() else None
    if found is None:
        raise ValidationError({"about": ["Choose an interaction or meeting of this project."]})
    return found


@project_view("contribute")
def pulse_new(request, project):
    initial = {"given_on": project_today(project)}
    if request.GET.get("stakeholder", "").isdigit():
        initial["stakeholder"] = int(request.GET["stakeholder"])
    form = PulseForm(
        request.POST or None,
        initial=initial,
        stakeholders=selectors.stakeholder_choices(project),
        subjects=_subject_choices(project),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        given_on = data["given_on"]
        given_at = (
            timezone.now()
            if given_on == project_today(project)
            else timezone.make_aware(datetime.combine(given_on, time(12, 0)))
        )
        try:
            pulse = services.pulse_record(
                actor=request.user,
                project=project,
                stakeholder=data["stakeholder"],
                score=data["score"],
                comment=data["comment"],
                given_at=given_at,
                about=_about(project, data["about"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded: {pulse}.")
            return _project_page(project)
    return render(request, "satisfaction/pulse_form.html", {"project": project, "form": form})


@project_view("contribute")
@require_POST
def pulse_delete(request, project, pulse_id):
    pulse = selectors.pulse_get(project, pulse_id)
    services.pulse_delete(actor=request.user, pulse=pulse)
    messages.success(request, f"Deleted: {pulse}.")
    return _project_page(project)


# --- public: the stakeholder's portal ---------------------------------------------------------


@public_view
def portal_pulse(request, portal_token):
    """The stakeholder rates, 1-5, what the project did with them lately: behind their portal
    link, with the same check as the portal's own pages (a password-protected link must have
    been unlocked in this browser)."""
    try:
        link = _portal(request, portal_token)
    except _Locked:
        return _locked_redirect(portal_token)
    team = comms_selectors.portal_opened_by_the_team(request.user, link.project)
    stakeholder = selectors.portal_stakeholder(link)
    subjects = selectors.portal_subjects(link, stakeholder) if stakeholder else []
    chosen = next((s for s in subjects if s.key == request.GET.get("about")), None)
    if request.GET.get("about") and chosen is None:
        raise Http404("Nothing to rate here")
    form = None
    if chosen is not None:
        form = PortalPulseForm(
            request.POST or None,
            initial={"score": str(chosen.pulse.score), "comment": chosen.pulse.comment}
            if chosen.pulse
            else None,
        )
        if request.method == "POST" and form.is_valid():
            try:
                _, replaced = services.pulse_give(
                    stakeholder=stakeholder,
                    about=chosen.obj,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    opened_by_the_team=team,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    "Thank you: your earlier answer is replaced."
                    if replaced
                    else "Thank you: the project manager sees your answer.",
                )
                return redirect("portal-pulse", portal_token=portal_token)
    elif request.method == "POST":
        raise Http404("Nothing to rate here")
    return render(
        request,
        "satisfaction/portal_pulse.html",
        {
            "link": link,
            "token": portal_token,
            "subjects": subjects,
            "chosen": chosen,
            "form": form,
            "opened_by_the_team": team,
            "stakeholder": stakeholder,
        },
    )
