"""Communication pages: the plan, previews, deliveries, load, calendar feeds, and the stakeholder
portal (public pages behind a personal link). Thin: access through the decorators, reads through
selectors, writes through services."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rapport.accounts.access import org_view, project_view, public_view, user_view
from rapport.lib.forms import add_service_errors
from rapport.lib.mail import outbox_enabled
from rapport.lib.pagination import paginate
from rapport.stakeholders.models import Party
from rapport.status.models import StatusUpdate
from rapport.status.selectors import status_current

from . import calendar, informed, reports, selectors, services
from .forms import FeedbackForm, PasswordForm, PlanRowForm, ReplyForm, UnlockForm
from .models import CalendarFeed, Delivery, DeliveryState, PlanRow, PortalLink, token_hash


def _plan(project):
    return redirect("comms-plan", org=project.org.slug, code=project.code)


@project_view("view")
def comms_plan(request, project):
    rows = list(selectors.plan_rows(project))
    recipients = selectors.recipients_by_row(rows)
    now = timezone.now()
    feedback = (
        Delivery.objects.filter(project=project, feedback__isnull=False)
        .select_related("party", "feedback", "status_update")
        .order_by("-feedback__updated_at")[:10]
    )
    context = {
        "project": project,
        "rows": [
            {
                "row": row,
                "recipients": recipients[row.pk],
                "next": selectors.next_sends(row, now=now),
            }
            for row in rows
        ],
        "problems": selectors.delivery_problems(project),
        "recent": selectors.delivery_list(project)[:15],
        "feedback": feedback,
        "load": selectors.load_report(project.org, project=project, now=now),
        "current": status_current(project),
        "unanswered_comments": selectors.comment_list(project, state="unanswered").count(),
        "comment_answer_days": selectors.comment_answer_days(),
    }
    context["informed"] = informed.informed_without_plan(project, rows, recipients)
    context["informed_rows"] = informed.suitable_rows(rows)
    # Team members never get a stakeholder's link: they preview and resend it instead.
    context["portal_people"] = selectors.portal_people(project, recipients, rows)
    if project.can_manage:
        context["feeds"] = CalendarFeed.objects.filter(project=project, revoked_at__isnull=True)
        context["new_feed_url"] = _new_feed_url(request)
    return render(request, "comms/plan.html", context)


@project_view("manage")
@require_POST
def informed_add(request, project):
    """Add a party the RACI says is kept aware to a row of the plan (the offer on the plan page)."""
    row = get_object_or_404(PlanRow, project=project, pk=_int_or_none(request.POST.get("plan_row")))
    party = get_object_or_404(
        Party, org_id=project.org_id, pk=_int_or_none(request.POST.get("party"))
    )
    try:
        informed.plan_audience_add(actor=request.user, project=project, row=row, party=party)
    except ValidationError as error:
        messages.error(request, f"{party.name}: {' '.join(error.messages)}")
    else:
        messages.success(
            request, f"{party.name} now gets the {row.get_comm_type_display().lower()}."
        )
    return redirect(reverse("comms-plan", args=[project.org.slug, project.code]) + "#informed")


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


NEW_FEED_SESSION_KEY = "new_calendar_feed_token"


def _new_feed_url(request) -> str | None:
    """The address of the feed just made, shown once: the database keeps only its hash."""
    raw = request.session.pop(NEW_FEED_SESSION_KEY, None)
    if not raw:
        return None
    return request.build_absolute_uri(reverse("calendar-feed", args=[raw]))


def _row_form(request, project, row=None):
    return PlanRowForm(request.POST or None, instance=row, project=project)


@project_view("manage")
def plan_row_new(request, project):
    form = _row_form(request, project)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_row_create(
                actor=request.user,
                project=project,
                audience_parties=form.cleaned_data["audience_parties"],
                audience_category=form.cleaned_data["audience_category"],
                **form.row_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added to the communication plan.")
            return _plan(project)
    return render(
        request, "comms/plan_row_form.html", {"project": project, "form": form, "creating": True}
    )


@project_view("manage")
def plan_row_edit(request, project, plan_row_id):
    row = selectors.plan_row_get(project, plan_row_id)
    form = _row_form(request, project, row)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_row_update(
                actor=request.user,
                row=row,
                audience_parties=form.cleaned_data["audience_parties"],
                audience_category=form.cleaned_data["audience_category"],
                **form.row_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Plan row saved.")
            return _plan(project)
    return render(
        request, "comms/plan_row_form.html", {"project": project, "form": form, "row": row}
    )


@project_view("manage")
@require_POST
def plan_row_delete(request, project, plan_row_id):
    row = selectors.plan_row_get(project, plan_row_id)
    had_deliveries = row.deliveries.exists()
    services.plan_row_delete(actor=request.user, row=row)
    messages.success(
        request,
        "Switched off: it has sent reports, and their record is kept."
        if had_deliveries
        else "Plan row removed.",
    )
    return _plan(project)


@project_view("manage")
@require_POST
def plan_row_send_now(request, project, plan_row_id):
    row = selectors.plan_row_get(project, plan_row_id)
    try:
        deliveries = services.report_send_now(actor=request.user, row=row)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Sending to {len(deliveries)} recipient{'s' if len(deliveries) != 1 else ''}: "
            "the worker sends them now; their state shows below."
            + (
                " No mail server is set up: read them in the organisation's outbox."
                if outbox_enabled()
                else ""
            ),
        )
    return _plan(project)


def _preview_update(request, project):
    status_update_id = request.GET.get("update")
    if status_update_id:
        if not str(status_update_id).isdigit():
            raise Http404("No such status update")
        update = (
            StatusUpdate.objects.filter(project=project, pk=status_update_id)
            .select_related("project")
            .first()
        )
        if update is None:
            raise Http404("No such status update")
        return update
    return status_current(project)


def _preview_parts(request, project, plan_row_id, recipient_id):
    row = selectors.plan_row_get(project, plan_row_id)
    if not row.is_delivered:
        raise Http404("A status meeting has no report to preview")
    party = next((p for p in selectors.row_recipients(row) if p.pk == recipient_id), None)
    if party is None:
        raise Http404("Not a recipient of this row")
    update = _preview_update(request, project)
    return row, party, update


@project_view("view")
def report_preview(request, project, plan_row_id, recipient_id):
    row, party, update = _preview_parts(request, project, plan_row_id, recipient_id)
    context = {"project": project, "row": row, "party": party, "update": update}
    if update is not None:
        update.project = project
        data = reports.report_data(update)
        kwargs = {
            "recipient": reports.Recipient(party.pk, party.name),
            "comm_type": row.comm_type,
            "custom_intro": row.custom_intro,
            # As the e-mail would say it if it went now.
            "previous_colour": selectors.last_colour_sent(
                project.pk, party.pk, before=timezone.now()
            ),
        }
        context["report_html"] = reports.render_fragment(data, embedded=True, **kwargs)
        email = reports.render_report(
            data, medium="email", portal_url="(the recipient's portal link)", **kwargs
        )
        context["subject"], context["text"] = email.subject, email.text
        context["recipients"] = selectors.row_recipients(row)
    return render(request, "comms/preview.html", context)


@project_view("view")
def report_preview_pdf(request, project, plan_row_id, recipient_id):
    row, party, update = _preview_parts(request, project, plan_row_id, recipient_id)
    if update is None:
        raise Http404("Nothing published to render yet")
    update.project = project
    data = reports.report_data(update)
    pdf = reports.render_pdf(
        data,
        recipient=reports.Recipient(party.pk, party.name),
        comm_type=row.comm_type,
        custom_intro=row.custom_intro,
        previous_colour=selectors.last_colour_sent(project.pk, party.pk, before=timezone.now()),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{reports.pdf_filename(data, row.comm_type)}"'
    )
    return response


@project_view("view")
def delivery_list(request, project):
    state = request.GET.get("state", "")
    page = paginate(request, selectors.delivery_list(project, state=state))
    return render(
        request,
        "comms/deliveries.html",
        {"project": project, "page": page, "state": state, "states": DeliveryState.choices},
    )


@project_view("manage")
@require_POST
def delivery_retry(request, project, delivery_id):
    delivery = get_object_or_404(Delivery, project=project, pk=delivery_id)
    try:
        services.delivery_retry(actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Retrying now.")
    return _plan(project)


@project_view("manage")
@require_POST
def portal_link_revoke(request, project, portal_link_id):
    link = get_object_or_404(PortalLink, project=project, pk=portal_link_id)
    services.portal_link_revoke(actor=request.user, link=link)
    messages.success(
        request, f"{link.party.name}'s link no longer works; their next report carries a new one."
    )
    return _plan(project)


@project_view("view")
def portal_preview(request, project, recipient_id):
    """What the party sees in their portal, read-only, inside the team's pages."""
    party = selectors.portal_party_get(project, recipient_id)
    return render(
        request,
        "comms/portal_preview.html",
        {
            "project": project,
            "party": party,
            "deliveries": selectors.portal_reports_of(project, party)[:100],
        },
    )


@project_view("view")
def portal_preview_report(request, project, recipient_id, delivery_id):
    party = selectors.portal_party_get(project, recipient_id)
    delivery = (
        selectors.portal_reports_of(project, party)
        .select_related("plan_row")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise Http404("No such report")
    update = delivery.status_update
    update.project = project
    report_html = reports.render_fragment(
        reports.report_data(update),
        recipient=reports.Recipient(party.pk, party.name),
        comm_type=delivery.comm_type,
        previous_colour=selectors.previous_colour(delivery),
        custom_intro=delivery.plan_row.custom_intro,
    )
    return render(
        request,
        "comms/portal_preview.html",
        {
            "project": project,
            "party": party,
            "delivery": delivery,
            "feedback": getattr(delivery, "feedback", None),
            "report_html": report_html,
        },
    )


@project_view("manage")
@require_POST
def portal_link_resend(request, project, recipient_id):
    party = selectors.portal_party_get(project, recipient_id)
    try:
        services.portal_link_resend(actor=request.user, project=project, party=party)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{party.name}'s link is on its way to {party.email}; the links in earlier e-mails "
            "keep working.",
        )
    return _plan(project)


@project_view("manage")
@require_POST
def calendar_feed_new(request, project):
    _, raw = services.calendar_feed_create(actor=request.user, project=project)
    request.session[NEW_FEED_SESSION_KEY] = raw
    messages.success(
        request, "Calendar feed created: copy its address now, it is shown only this once."
    )
    return _plan(project)


@project_view("manage")
@require_POST
def calendar_feed_revoke(request, project, calendar_feed_id):
    feed = get_object_or_404(CalendarFeed, project=project, pk=calendar_feed_id)
    services.calendar_feed_revoke(actor=request.user, feed=feed)
    messages.success(request, "Calendar feed revoked.")
    return _plan(project)


@project_view("view")
def comment_list(request, project):
    state = request.GET.get("state", "")
    days = _days(request.GET.get("days"))
    page = paginate(request, selectors.comment_list(project, state=state, days=days))
    return render(
        request,
        "comms/comments.html",
        {
            "project": project,
            "page": page,
            "state": state,
            "days": days or selectors.comment_answer_days(),
            "reply_form": ReplyForm(),
        },
    )


def _days(value) -> int | None:
    return int(value) if value and str(value).isdigit() and 0 < int(value) <= 3650 else None


def _comments(project, request):
    back = reverse("comment-list", args=[project.org.slug, project.code])
    query = request.POST.get("back", "")
    return redirect(f"{back}?{query}" if query.startswith("state=") else back)


@project_view("manage")
@require_POST
def comment_reply(request, project, feedback_id):
    feedback = selectors.comment_get(project, feedback_id)
    form = ReplyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(" ".join(e for errors in form.errors.values() for e in errors))
        services.comment_reply(
            actor=request.user, feedback=feedback, text=form.cleaned_data["reply"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Reply saved: {feedback.party.name} sees it in their portal.")
    return _comments(project, request)


@project_view("manage")
@require_POST
def comment_acted_on(request, project, feedback_id):
    feedback = selectors.comment_get(project, feedback_id)
    services.comment_acted_on(actor=request.user, feedback=feedback)
    messages.success(request, f"{feedback.party.name}'s comment is marked as acted on.")
    return _comments(project, request)


@project_view("manage")
@require_POST
def comment_close(request, project, feedback_id):
    feedback = selectors.comment_get(project, feedback_id)
    services.comment_close(actor=request.user, feedback=feedback)
    messages.success(request, f"Loop closed on {feedback.party.name}'s comment.")
    return _comments(project, request)


@org_view("owner")
def comms_load(request, org):
    report = selectors.load_report(org)
    return render(request, "comms/load.html", {"org": org, "report": report})


@org_view("owner")
@require_POST
def comms_org_settings(request, org):
    from rapport.accounts.services import org_settings_set

    allow = request.POST.get("allow_frequent_reports") == "on"
    org_settings_set(actor=request.user, org=org, allow_frequent_reports=allow)
    messages.success(
        request,
        "Reports more often than daily are now allowed in plans."
        if allow
        else "Plans now refuse reports more often than daily.",
    )
    return redirect("comms-load", org=org.slug)


@user_view
def my_calendar(request):
    if request.method == "POST":
        if "revoke" in request.POST:
            feed = get_object_or_404(CalendarFeed, user=request.user, pk=request.POST.get("revoke"))
            services.calendar_feed_revoke(actor=request.user, feed=feed)
            messages.success(request, "Calendar feed revoked.")
        else:
            _, raw = services.calendar_feed_create(actor=request.user, user=request.user)
            request.session[NEW_FEED_SESSION_KEY] = raw
            messages.success(
                request, "Calendar feed created: copy its address now, it is shown only this once."
            )
        return redirect("my-calendar")
    feeds = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(
        request,
        "comms/my_calendar.html",
        {"feeds": feeds, "new_feed_url": _new_feed_url(request)},
    )


# --- public: the calendar feed -----------------------------------------------------------------


@public_view
def calendar_feed(request, feed_token):
    from rapport.projects.models import Project

    if not feed_token.startswith(CalendarFeed.PREFIX) or len(feed_token) > 100:
        raise Http404("No such calendar")
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash(feed_token), revoked_at__isnull=True)
        .select_related("project", "project__org", "user")
        .first()
    )
    if feed is None:
        raise Http404("No such calendar")
    rows = (
        PlanRow.objects.active()
        .select_related("project", "owner", "audience_category")
        .prefetch_related("audience_parties")
    )
    if feed.project_id:
        rows = rows.filter(project=feed.project)
        name = f"{feed.project.code} communication plan"
    else:
        visible = Project.objects.visible_to(feed.user).values("pk")
        rows = rows.filter(project__in=visible).filter(owner=feed.user) | rows.filter(
            project__in=visible, comm_type="meeting"
        )
        name = f"Rapport: {feed.user.display_name}"
    body = calendar.feed_ics(rows.order_by("pk").distinct(), name=name, stamp=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rapport.ics"'
    return response


# --- public: the stakeholder portal ------------------------------------------------------------

SESSION_KEY = "rapport_portal_unlocked"


def _portal(request, portal_token) -> PortalLink:
    """The link, if it opens here: unknown or revoked links are 404; a link with a password must
    have been unlocked in this browser session."""
    link = selectors.portal_link_for(portal_token)
    if link.password and link.pk not in request.session.get(SESSION_KEY, []):
        raise _Locked(link)
    return link


class _Locked(Exception):
    def __init__(self, link):
        self.link = link


def _locked_redirect(portal_token):
    return redirect("portal-unlock", portal_token=portal_token)


@public_view
def portal_home(request, portal_token):
    try:
        link = _portal(request, portal_token)
    except _Locked:
        return _locked_redirect(portal_token)
    team = selectors.portal_opened_by_the_team(request.user, link.project)
    if not team:  # "last opened" is the stakeholder's, not the PM checking the link
        PortalLink.objects.filter(pk=link.pk).update(last_seen_at=timezone.now())
    return render(
        request,
        "comms/portal_home.html",
        {
            "link": link,
            "token": portal_token,
            "deliveries": selectors.portal_reports(link)[:100],
            "opened_by_the_team": team,
        },
    )


@public_view
def portal_report(request, portal_token, delivery_id):
    try:
        link = _portal(request, portal_token)
    except _Locked:
        return _locked_redirect(portal_token)
    delivery = selectors.portal_report_get(link, delivery_id)
    feedback = getattr(delivery, "feedback", None)
    team = selectors.portal_opened_by_the_team(request.user, link.project)
    form = FeedbackForm(
        request.POST or None, initial={"rating": feedback.rating if feedback else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_record(
                delivery=delivery,
                party=link.party,
                acknowledge=True,
                rating=form.cleaned_data["rating"]
                if form.cleaned_data["rating"] not in ("", None)
                else None,
                comment=form.cleaned_data["comment"],
                answered_by=request.user,
                token=link.token,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your answer reached the project manager.")
            return redirect("portal-report", portal_token=portal_token, delivery_id=delivery.pk)
    update = delivery.status_update
    update.project = link.project
    data = reports.report_data(update)
    report_html = reports.render_fragment(
        data,
        recipient=reports.Recipient(link.party_id, link.party.name),
        comm_type=delivery.comm_type,
        previous_colour=selectors.previous_colour(delivery),
        custom_intro=delivery.plan_row.custom_intro,
    )
    return render(
        request,
        "comms/portal_report.html",
        {
            "link": link,
            "token": portal_token,
            "delivery": delivery,
            "feedback": feedback,
            "form": form,
            "report_html": report_html,
            "opened_by_the_team": team,
        },
    )


@public_view
def portal_report_pdf(request, portal_token, delivery_id):
    try:
        link = _portal(request, portal_token)
    except _Locked:
        return _locked_redirect(portal_token)
    delivery = selectors.portal_report_get(link, delivery_id)
    update = delivery.status_update
    update.project = link.project
    data = reports.report_data(update)
    pdf = reports.render_pdf(
        data,
        recipient=reports.Recipient(link.party_id, link.party.name),
        comm_type=delivery.comm_type,
        previous_colour=selectors.previous_colour(delivery),
        custom_intro=delivery.plan_row.custom_intro,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{reports.pdf_filename(data, delivery.comm_type)}"'
    )
    return response


@public_view
def portal_password(request, portal_token):
    try:
        link = _portal(request, portal_token)
    except _Locked:
        return _locked_redirect(portal_token)
    team = selectors.portal_opened_by_the_team(request.user, link.project)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.portal_password_set(
                link=link, password=form.cleaned_data["password"], set_by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), link.pk]
            messages.success(request, "Password set: this link now asks for it in a new browser.")
            return redirect("portal-home", portal_token=portal_token)
    return render(
        request,
        "comms/portal_password.html",
        {"link": link, "token": portal_token, "form": form, "opened_by_the_team": team},
    )


@public_view
def portal_unlock(request, portal_token):
    link = selectors.portal_link_for(portal_token)
    if not link.password:
        return redirect("portal-home", portal_token=portal_token)
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.portal_unlock_attempt(link=link, password=form.cleaned_data["password"])
        if result == services.UnlockResult.OPENED:
            request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), link.pk]
            return redirect("portal-home", portal_token=portal_token)
        if result == services.UnlockResult.PAUSED:
            minutes = round(settings.AXES_COOLOFF_TIME * 60)
            form.add_error(
                "password",
                f"Too many wrong passwords: this link takes none for {minutes} minutes. "
                "Try again later, or ask the project manager for a new link.",
            )
        else:
            form.add_error("password", "That is not the password of this link.")
    return render(
        request, "comms/portal_unlock.html", {"link": link, "token": portal_token, "form": form}
    )
