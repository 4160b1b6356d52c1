"""Meeting, decision and action pages: thin. Viewers read; contributors write."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rapport.accounts.access import project_view
from rapport.comms.models import PlanRow
from rapport.lib.forms import add_service_errors
from rapport.lib.pagination import paginate

from . import selectors, services
from .forms import (
    ActionFilterForm,
    ActionForm,
    AttendanceForm,
    DecisionFilterForm,
    DecisionForm,
    InviteesForm,
    MeetingForm,
    MinutesForm,
)
from .invitations import project_zone
from .models import ActionStatus, Meeting

User = get_user_model()
RECENT_CHOICES = 100  # pickers offer the latest meetings only: a page never holds them all


def _people(project, user):
    return (
        User.objects.filter(Q(project_memberships__project=project) | Q(pk=user.pk))
        .distinct()
        .order_by("full_name", "email")
    )


def _recent_meetings(project, keep=None):
    ids = list(selectors.meeting_choices(project).values_list("pk", flat=True)[:RECENT_CHOICES])
    if keep:
        ids.append(keep)
    return Meeting.objects.filter(pk__in=ids).order_by("-starts_at", "-pk")


def _activities(project):
    from rapport.raci.models import Activity

    return Activity.objects.filter(project=project).order_by("position", "pk")


def _status_updates_qs(project, keep=None):
    from rapport.status.models import StatusUpdate

    ids = list(
        StatusUpdate.objects.filter(project=project)
        .order_by("-period_end", "-version")
        .values_list("pk", flat=True)[:50]
    )
    if keep:
        ids.append(keep)
    return StatusUpdate.objects.filter(pk__in=ids).order_by("-period_end", "-version")


def _plan_rows(project):
    return PlanRow.objects.filter(project=project).prefetch_related("audience_parties")


def _int(value):
    return int(value) if value and str(value).isdigit() else None


# --- meetings ---------------------------------------------------------------------------------


@project_view("view")
def meeting_list(request, project):
    kind = request.GET.get("kind") if request.GET.get("kind") in ("status", "other") else ""
    page = paginate(request, selectors.meeting_list(project, kind=kind or None))
    trend = selectors.attendance_trend(project)
    with timezone.override(project_zone(project)):
        return render(
            request,
            "meetings/meeting_list.html",
            {
                "project": project,
                "page": page,
                "kind": kind,
                "trend": trend,
                "prompts": selectors.attendance_prompts(project, trend=trend),
                "now": timezone.now(),
            },
        )


def _meeting_form(request, project, meeting=None):
    initial = {}
    if meeting is None:
        initial = {"kind": "status", "duration_minutes": 30}
        if request.GET.get("plan_row", "").isdigit():
            initial["plan_row"] = int(request.GET["plan_row"])
    return MeetingForm(
        request.POST or None,
        instance=meeting,
        initial=initial,
        stakeholders=selectors.stakeholder_choices(project),
        plan_rows=_plan_rows(project),
    )


@project_view("contribute")
def meeting_new(request, project):
    with timezone.override(project_zone(project)):
        form = _meeting_form(request, project)
        if request.method == "POST" and form.is_valid():
            try:
                meeting = services.meeting_schedule(
                    actor=request.user,
                    project=project,
                    invitees=form.cleaned_data["invitees"],
                    **form.meeting_fields(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Scheduled: {meeting.title}.")
                return redirect("meeting-detail", project.org.slug, project.code, meeting.pk)
        return render(
            request,
            "meetings/meeting_form.html",
            {"project": project, "form": form, "meeting": None},
        )


@project_view("contribute")
def meeting_edit(request, project, meeting_id):
    meeting = selectors.meeting_get(project, meeting_id)
    with timezone.override(project_zone(project)):
        form = _meeting_form(request, project, meeting)
        if request.method == "POST" and form.is_valid():
            try:
                services.meeting_update(
                    actor=request.user, meeting=meeting, **form.meeting_fields()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("meeting-detail", project.org.slug, project.code, meeting.pk)
        return render(
            request,
            "meetings/meeting_form.html",
            {"project": project, "form": form, "meeting": meeting},
        )


@project_view("contribute")
@require_POST
def meeting_delete(request, project, meeting_id):
    meeting = selectors.meeting_get(project, meeting_id)
    services.meeting_delete(actor=request.user, meeting=meeting)
    messages.success(request, f"Deleted: {meeting.title}.")
    return redirect("meeting-list", project.org.slug, project.code)


def _detail(request, project, meeting, **forms):
    invitees = list(selectors.meeting_invitees(meeting))
    restate = None
    if meeting.starts_at >= timezone.now():
        # Education sits above meetings (an explanation may name its meeting): asked here.
        from rapport.education.selectors import restate_suggestions

        restate = restate_suggestions(meeting)
    context = {
        "restate": restate,
        "project": project,
        "meeting": meeting,
        "invitees": invitees,
        "attendance_form": forms.get("attendance_form") or AttendanceForm(invitees=invitees),
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(initial={"minutes": meeting.minutes}),
        "invitees_form": forms.get("invitees_form")
        or InviteesForm(
            stakeholders=selectors.stakeholder_choices(project),
            initial={"invitees": [i.stakeholder_id for i in invitees]},
        ),
        "decisions": list(selectors.decision_list(project, meeting_id=meeting.pk)[:50]),
        "actions": list(selectors.action_list(project, meeting_id=meeting.pk)[:50]),
        "today": selectors.project_today(project),
        "invitations": list(
            meeting.invitations.filter(sequence=meeting.sequence).select_related(
                "invitee__stakeholder__party"
            )
        ),
    }
    with timezone.override(project_zone(project)):
        return render(request, "meetings/meeting_detail.html", context)


@project_view("view")
def meeting_detail(request, project, meeting_id):
    return _detail(request, project, selectors.meeting_get(project, meeting_id))


@project_view("contribute")
@require_POST
def meeting_attendance(request, project, meeting_id):
    meeting = selectors.meeting_get(project, meeting_id)
    invitees = list(selectors.meeting_invitees(meeting))
    form = AttendanceForm(request.POST, invitees=invitees)
    if form.is_valid():
        try:
            services.attendance_record(
                actor=request.user, meeting=meeting, attendance=form.attendance()
            )
            services.meeting_invitees_set(
                actor=request.user,
                meeting=meeting,
                stakeholders=[i.stakeholder_id for i in invitees],
                business=form.business(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("meeting-detail", project.org.slug, project.code, meeting.pk)
    return _detail(request, project, meeting, attendance_form=form)


@project_view("contribute")
@require_POST
def meeting_invitees(request, project, meeting_id):
    meeting = selectors.meeting_get(project, meeting_id)
    form = InviteesForm(request.POST, stakeholders=selectors.stakeholder_choices(project))
    if form.is_valid():
        try:
            services.meeting_invitees_set(
                actor=request.user, meeting=meeting, stakeholders=form.cleaned_data["invitees"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Invitees saved.")
            return redirect("meeting-detail", project.org.slug, project.code, meeting.pk)
    return _detail(request, project, meeting, invitees_form=form)


@project_view("contribute")
@require_POST
def meeting_minutes(request, project, meeting_id):
    meeting = selectors.meeting_get(project, meeting_id)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_record(
                actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Minutes saved.")
            return redirect("meeting-detail", project.org.slug, project.code, meeting.pk)
    return _detail(request, project, meeting, minutes_form=form)


@project_view("contribute")
@require_POST
def meeting_invite(request, project, meeting_id):
    meeting = selectors.meeting_get(project, meeting_id)
    try:
        sent = services.meeting_invitations_send(actor=request.user, meeting=meeting)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if sent["to"]:
            messages.success(request, f"Invitations sent to {', '.join(sent['to'])}.")
        if sent["without_email"]:
            messages.warning(
                request,
                f"No e-mail address in the register for {', '.join(sent['without_email'])}: "
                "invite them another way.",
            )
    return redirect("meeting-detail", project.org.slug, project.code, meeting.pk)


# --- decisions --------------------------------------------------------------------------------


@project_view("view")
def decision_list(request, project):
    filter_form = DecisionFilterForm(
        request.GET or None,
        meetings=_recent_meetings(project, keep=_int(request.GET.get("meeting"))),
        activities=_activities(project),
    )
    chosen = filter_form.cleaned_data if filter_form.is_valid() else {}
    meeting = chosen.get("meeting")
    activity = chosen.get("activity")
    page = paginate(
        request,
        selectors.decision_list(
            project,
            meeting_id=meeting.pk if meeting else None,
            activity_id=activity.pk if activity else None,
        ),
    )
    query = "&".join(
        f"{name}={value.pk}"
        for name, value in (("meeting", meeting), ("activity", activity))
        if value
    )
    with timezone.override(project_zone(project)):
        return render(
            request,
            "meetings/decision_list.html",
            {
                "project": project,
                "page": page,
                "filter_form": filter_form,
                "filtered": bool(meeting or activity),
                "query": query,
            },
        )


def _decision_form(request, project, decision=None):
    initial = {}
    if decision is None:
        initial["decided_on"] = selectors.project_today(project)
        for name in ("meeting", "activity", "status_update"):
            if _int(request.GET.get(name)):
                initial[name] = int(request.GET[name])
    keep_meeting = decision.meeting_id if decision else _int(request.GET.get("meeting"))
    keep_update = decision.status_update_id if decision else _int(request.GET.get("status_update"))
    return DecisionForm(
        request.POST or None,
        instance=decision,
        initial=initial,
        stakeholders=selectors.stakeholder_choices(project),
        meetings=_recent_meetings(project, keep=keep_meeting),
        activities=_activities(project),
        status_updates=_status_updates_qs(project, keep=keep_update),
    )


def _back_to(request, project, fallback="decision-list"):
    meeting_id = _int(request.POST.get("back_to_meeting") or request.GET.get("meeting"))
    if meeting_id and Meeting.objects.filter(project=project, pk=meeting_id).exists():
        return redirect("meeting-detail", project.org.slug, project.code, meeting_id)
    return redirect(fallback, project.org.slug, project.code)


@project_view("contribute")
def decision_new(request, project):
    form = _decision_form(request, project)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_record(
                actor=request.user, project=project, **form.decision_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Decision logged: {decision.text}")
            return _back_to(request, project)
    with timezone.override(project_zone(project)):
        return render(
            request,
            "meetings/decision_form.html",
            {"project": project, "form": form, "decision": None},
        )


@project_view("contribute")
def decision_edit(request, project, decision_id):
    decision = selectors.decision_get(project, decision_id)
    form = _decision_form(request, project, decision)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(
                actor=request.user, decision=decision, **form.decision_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("decision-list", project.org.slug, project.code)
    with timezone.override(project_zone(project)):
        return render(
            request,
            "meetings/decision_form.html",
            {"project": project, "form": form, "decision": decision},
        )


@project_view("contribute")
@require_POST
def decision_delete(request, project, decision_id):
    decision = selectors.decision_get(project, decision_id)
    services.decision_delete(actor=request.user, decision=decision)
    messages.success(request, f"Removed from the log: {decision.text}")
    return redirect("decision-list", project.org.slug, project.code)


# --- actions ----------------------------------------------------------------------------------


@project_view("view")
def action_list(request, project):
    filter_form = ActionFilterForm(request.GET or None)
    status = filter_form.cleaned_data.get("status") if filter_form.is_valid() else ""
    page = paginate(request, selectors.action_list(project, status=status or None))
    return render(
        request,
        "meetings/action_list.html",
        {
            "project": project,
            "page": page,
            "filter_form": filter_form,
            "status": status,
            "today": selectors.project_today(project),
            "query": f"status={status}" if status else "",
        },
    )


def _action_form(request, project, action=None):
    initial = {}
    if action is None and _int(request.GET.get("meeting")):
        initial["meeting"] = int(request.GET["meeting"])
    keep = action.meeting_id if action else _int(request.GET.get("meeting"))
    return ActionForm(
        request.POST or None,
        instance=action,
        initial=initial,
        people=_people(project, request.user),
        stakeholders=selectors.stakeholder_choices(project),
        meetings=_recent_meetings(project, keep=keep),
    )


@project_view("contribute")
def action_new(request, project):
    form = _action_form(request, project)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                actor=request.user, project=project, **form.action_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action agreed: {action.text}")
            return _back_to(request, project, "action-list")
    with timezone.override(project_zone(project)):
        return render(
            request, "meetings/action_form.html", {"project": project, "form": form, "action": None}
        )


@project_view("contribute")
def action_edit(request, project, meeting_action_id):
    action = selectors.action_get(project, meeting_action_id)
    form = _action_form(request, project, action)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(actor=request.user, action=action, **form.action_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("action-list", project.org.slug, project.code)
    with timezone.override(project_zone(project)):
        return render(
            request,
            "meetings/action_form.html",
            {"project": project, "form": form, "action": action},
        )


@project_view("contribute")
@require_POST
def action_close(request, project, meeting_action_id):
    action = selectors.action_get(project, meeting_action_id)
    status = request.POST.get("status", ActionStatus.DONE)
    try:
        services.action_close(actor=request.user, action=action, status=status)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Closed ({status}): {action.text}")
    return _back_to(request, project, "action-list")


@project_view("contribute")
@require_POST
def action_delete(request, project, meeting_action_id):
    action = selectors.action_get(project, meeting_action_id)
    services.action_delete(actor=request.user, action=action)
    messages.success(request, f"Deleted: {action.text}")
    return redirect("action-list", project.org.slug, project.code)
